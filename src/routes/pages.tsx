import { Hono } from "hono";
import { html } from "hono/html";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv, Env } from "../env";
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

/** Programs run through this worker's own loader, or (bun dev) the local sandbox runtime. */
const canRun = (env: Env) => env.LOADER !== undefined || env.SANDBOX_URL !== undefined;

export const pageRoutes = new Hono<AppEnv>().get("/", pageHeaders, async (c) => {
  const history = await historyOf(c.env, c.get("visitorId")).list();
  const page = <PlaygroundPage examples={EXAMPLES} history={history} runnable={canRun(c.env)} />;
  return c.html(html`<!doctype html>${page}`);
});
