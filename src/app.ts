import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env";
import { ApiError, errorResponse } from "./base/errors";
import { isRunOrigin, type ServedOn } from "./config/origins";
import { allowedMethods } from "./request/allowed-methods";
import { bearerAuth } from "./request/auth-bearer";
import { requireToken } from "./request/auth-required";
import { misdirected } from "./request/known-host";
import { sameOriginWrites } from "./request/same-origin";
import { visitor } from "./request/visitor";
import { adminRoutes } from "./routes/admin";
import { callRoutes } from "./routes/call";
import { executeRoutes } from "./routes/execute";
import { historyRoutes } from "./routes/history";
import { mcpRoutes } from "./routes/mcp";
import { openApiRoutes } from "./routes/openapi";
import { pageRoutes } from "./routes/pages";
import { programRoutes } from "./routes/programs";
import { runRoutes } from "./routes/run";
import { submitRoutes } from "./routes/submit";
import { tokenRoutes } from "./routes/tokens";
import type { Sandbox } from "./sandbox/sandbox";

/**
 * The app: request → validate → build → store → sandbox → record → respond; each route module reads
 * that way. Where programs run is the caller's choice (`sandboxFor`, and any routes that runtime
 * needs): the entry modules, src/index.ts for Cloudflare and src/local/app.ts for `bun dev`, are the
 * only ones that know their runtime.
 *
 * Two origins: the playground's, and (RUN_ORIGIN) one that serves programs' answers and nothing else,
 * with no visitor, so a page a program answers can run its scripts there without reaching ours.
 */
export function createApp(sandboxFor: (env: Env) => Sandbox, runtimeRoutes: Hono<AppEnv> = new Hono<AppEnv>()) {
  /** What every handler of one origin is told: which origin it serves, and where programs run. */
  const serving = (servedOn: ServedOn): MiddlewareHandler<AppEnv> => {
    return async (c, next) => {
      c.set("servedOn", servedOn);
      c.set("sandbox", sandboxFor(c.env));
      await next();
    };
  };
  const playground = withErrors(
    new Hono<AppEnv>()
      .use(serving("playground"))
      // Who is calling, first: a bearer token exempts its request from the same-origin check and
      // from the visitor cookie; REQUIRE_TOKEN then needs one of them (auth-required.ts).
      .use(bearerAuth)
      .use(sameOriginWrites)
      .use(visitor)
      // The runtime's own routes (bun dev's /internal/store) carry their own secret: before requireToken.
      .route("/", runtimeRoutes)
      .use(requireToken("playground"))
      .route("/", pageRoutes)
      .route("/", openApiRoutes)
      .route("/", tokenRoutes)
      .route("/", adminRoutes)
      .route("/", submitRoutes)
      .route("/", runRoutes)
      .route("/", historyRoutes)
      .route("/", programRoutes)
      .route("/", executeRoutes)
      .route("/", callRoutes)
      .route("/", mcpRoutes),
  );
  const runs = withErrors(
    new Hono<AppEnv>().use(serving("runs")).use(bearerAuth).use(requireToken("runs")).route("/", runRoutes),
  );
  return {
    fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> {
      return misdirected(env, request) ?? (isRunOrigin(env, request) ? runs : playground).fetch(request, env, ctx);
    },
  } satisfies ExportedHandler<Env>;
}

/**
 * Our JSON 405 (with Allow) for a known path asked with another method, 404 for unknown routes, and
 * our JSON errors for everything thrown.
 */
function withErrors(app: Hono<AppEnv>): Hono<AppEnv> {
  return app
    .notFound((c) => {
      const { pathname } = new URL(c.req.url);
      const allow = allowedMethods(app.routes, pathname);
      if (allow.length === 0)
        return errorResponse(new ApiError("route_not_found", `No route for ${c.req.method} ${pathname}.`));
      const response = errorResponse(
        new ApiError("method_not_allowed", `${pathname} answers ${allow.join(", ")}, not ${c.req.method}.`),
      );
      response.headers.set("allow", allow.join(", "));
      return response;
    })
    .onError((error) => {
      if (error instanceof ApiError) return errorResponse(error);
      console.error("unhandled error", error);
      return errorResponse(
        new ApiError("internal_error", "Something went wrong on our side; nothing stored was changed."),
      );
    });
}
