import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import type { HistoryAnswer } from "../base/answers";
import { decodeOrFail } from "../base/decode";
import { ApiError } from "../base/errors";
import { RunId } from "../base/schemas";
import { historyOf } from "../record/history";
import { isNewVisitor } from "../request/auth-caller";

/** The calling visitor's own runs; the visitor cookie picks them, so no visitor id is ever accepted. */
export const historyRoutes = new Hono<AppEnv>()
  .get("/api/history", async (c) => {
    const entries = isNewVisitor(c) ? [] : await historyOf(c.env, c.get("visitorId")).list();
    const answer: HistoryAnswer = { entries };
    return c.json(answer);
  })
  .delete("/api/history", async (c) => {
    if (!isNewVisitor(c)) await historyOf(c.env, c.get("visitorId")).clear();
    return c.body(null, 204);
  })
  .get("/api/runs/:id", async (c) => {
    const id = decodeOrFail(RunId, c.req.param("id"), "invalid_run_id", "run id");
    const record = isNewVisitor(c) ? null : await historyOf(c.env, c.get("visitorId")).get(id);
    // Another visitor's run and an unknown one look the same: nothing says the id exists.
    if (!record) throw new ApiError("run_not_found", `You have no run ${id} in your recent history.`);
    return c.json(record);
  });
