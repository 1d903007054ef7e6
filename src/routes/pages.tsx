import { Hono } from "hono";
import { html } from "hono/html";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "../env";
import { historyOf } from "../record/history";
import { EXAMPLES } from "../ui/examples";
import { PlaygroundPage } from "../ui/page";

/** Our own pages allow only our own scripts and styles: nothing a program returns can run here. */
const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    objectSrc: ["'none'"],
  },
});

export const pageRoutes = new Hono<AppEnv>().get("/", pageHeaders, async (c) => {
  const history = await historyOf(c.env, c.get("visitorId")).list();
  const page = <PlaygroundPage examples={EXAMPLES} history={history} runnable={c.env.LOADER !== undefined} />;
  return c.html(html`<!doctype html>${page}`);
});
