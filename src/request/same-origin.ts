import type { MiddlewareHandler } from "hono";
import { ApiError } from "../base/errors";
import { isBearer } from "./auth-bearer";
import type { AuthEnv } from "./auth-caller";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses a state-changing request that a browser sent from another site. Browsers say where a
 * request comes from (Sec-Fetch-Site, and Origin on every non-GET request), so a request with
 * neither is not a browser's, and API clients such as curl keep working. Hono's csrf middleware is
 * not used because it checks only form-encoded bodies and refuses clients that send no Origin.
 *
 * A request a bearer token authenticated (auth-bearer.ts runs first) is let through from anywhere:
 * a browser never adds that header by itself, so it carries no ambient credentials of the visitor's,
 * only what its sender already holds.
 */
export const sameOriginWrites: MiddlewareHandler<AuthEnv> = async (c, next) => {
  if (!SAFE_METHODS.has(c.req.method) && !isBearer(c)) {
    const site = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    const ownOrigin = new URL(c.req.url).origin;
    const crossSite =
      (site !== undefined && site !== "same-origin" && site !== "none") ||
      (origin !== undefined && origin !== ownOrigin);
    if (crossSite) {
      throw new ApiError(
        "cross_site_request",
        `${c.req.method} ${c.req.path} only accepts requests from this site's own pages.`,
      );
    }
  }
  await next();
};
