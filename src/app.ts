import { Hono } from "hono";
import type { AppEnv } from "./env";
import { sameOriginWrites } from "./request/same-origin";
import { visitor } from "./request/visitor";
import { ApiError, errorResponse } from "./respond/errors";
import { historyRoutes } from "./routes/history";
import { internalRoutes } from "./routes/internal";
import { pageRoutes } from "./routes/pages";
import { programRoutes } from "./routes/programs";
import { runRoutes } from "./routes/run";
import { submitRoutes } from "./routes/submit";

/** request → validate → store → sandbox → record → respond; each route module reads that way. */
export const app = new Hono<AppEnv>()
  .use(sameOriginWrites)
  .use(visitor)
  .route("/", pageRoutes)
  .route("/", submitRoutes)
  .route("/", runRoutes)
  .route("/", historyRoutes)
  .route("/", programRoutes)
  .route("/", internalRoutes)
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
