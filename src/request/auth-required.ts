import type { MiddlewareHandler } from "hono";
import type { ServedOn } from "../config/origins";
import { unauthorized } from "./auth-bearer";
import { type AuthEnv, callerOf } from "./auth-caller";
import { authSettings } from "./auth-settings";

/** The playground's pages, which any visitor may open, and the document that says how to authenticate. */
const OPEN_PATHS = [/^\/$/, /^\/s\/[^/]+$/, /^\/openapi\.json$/];

/**
 * REQUIRE_TOKEN: API calls without a bearer token answer 401 with `WWW-Authenticate: Bearer`,
 * while the page keeps working for its visitors: its pages, and the requests the page itself sends
 * (same-origin, with the visitor cookie the page was given). On the run origin, which has no
 * visitors, browser navigations (the page's previews, a run opened in a tab) are the page's.
 *
 * This makes API clients identify themselves; it is not a wall against someone who acts like a
 * browser (fetches the page for a cookie and sends Sec-Fetch-Site), since the page itself is open.
 */
export function requireToken(servedOn: ServedOn): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    if (!authSettings(c.env).requireToken) return next();
    const caller = callerOf(c);
    if (caller.kind === "token") return next();
    if (servedOn === "runs") {
      if (c.req.header("sec-fetch-mode") === "navigate") return next();
    } else {
      const page = (c.req.method === "GET" || c.req.method === "HEAD") && OPEN_PATHS.some((p) => p.test(c.req.path));
      const site = c.req.header("sec-fetch-site");
      const fromPage = caller.known && (site === "same-origin" || site === "none");
      // /admin has its own guard (ADMIN_TOKEN).
      if (page || fromPage || c.req.path.startsWith("/admin/")) return next();
    }
    return unauthorized(
      "token_required",
      "This server requires an API token: send `Authorization: Bearer <token>` (make one in the playground).",
    );
  };
}
