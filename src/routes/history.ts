import { Hono } from "hono";
import type { AppEnv } from "../env";
import { historyOf } from "../record/history";

/** The calling visitor's own history; the visitor cookie picks it, so no id is ever accepted. */
export const historyRoutes = new Hono<AppEnv>()
  .get("/api/history", async (c) => c.json({ entries: await historyOf(c.env, c.get("visitorId")).list() }))
  .delete("/api/history", async (c) => {
    await historyOf(c.env, c.get("visitorId")).clear();
    return c.body(null, 204);
  });
