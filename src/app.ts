import { Hono } from "hono";
import type { AppEnv } from "./app-env";
import { ApiError, errorResponse } from "./base/errors";
import { sameOriginWrites } from "./request/same-origin";
import { visitor } from "./request/visitor";
import { historyRoutes } from "./routes/history";
import { pageRoutes } from "./routes/pages";
import { programRoutes } from "./routes/programs";
import { runRoutes } from "./routes/run";
import { submitRoutes } from "./routes/submit";
import type { Sandbox } from "./sandbox/sandbox";

/**
 * The app: request → validate → build → store → sandbox → record → respond; each route module reads
 * that way. Where programs run is the caller's choice (`sandboxFor`, and any routes that runtime
 * needs): the entry modules, src/index.ts for Cloudflare and src/local/app.ts for `bun dev`, are the
 * only ones that know their runtime.
 */
export function createApp(sandboxFor: (env: Env) => Sandbox, runtimeRoutes: Hono<AppEnv> = new Hono<AppEnv>()) {
  return new Hono<AppEnv>()
    .use(sameOriginWrites)
    .use(visitor)
    .use(async (c, next) => {
      c.set("sandbox", sandboxFor(c.env));
      await next();
    })
    .route("/", pageRoutes)
    .route("/", submitRoutes)
    .route("/", runRoutes)
    .route("/", historyRoutes)
    .route("/", programRoutes)
    .route("/", runtimeRoutes)
    .notFound((c) =>
      errorResponse(new ApiError("route_not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`)),
    )
    .onError((error) => {
      if (error instanceof ApiError) return errorResponse(error);
      console.error("unhandled error", error);
      return errorResponse(
        new ApiError("internal_error", "Something went wrong on our side; nothing stored was changed."),
      );
    });
}
