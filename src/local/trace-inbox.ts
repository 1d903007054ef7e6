import { Schema } from "effect";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { EgressEntrySchema, errorBodySchema, RunConsoleSchema } from "../base/answers";
import { decodeOrFail } from "../base/decode";
import { ApiError } from "../base/errors";
import type { RunTrace } from "../sandbox/sandbox";
import { traceHandoff } from "../sandbox/telemetry/trace-handoff";
import { hasInternalSecret } from "./internal-secret";
import { localVars } from "./local-vars";
import { TRACE_INBOX_PATH } from "./protocol";

const PushedTraces = Schema.Struct({
  traces: Schema.Array(
    Schema.Struct({
      runId: Schema.String,
      console: Schema.NullOr(RunConsoleSchema),
      egress: Schema.Array(EgressEntrySchema),
      error: Schema.optional(errorBodySchema()),
    }),
  ),
});

/**
 * Where the supervisor brings the traces of runs that ended in the local sandbox runtime, in batches:
 * each goes to this isolate's trace handoff, where the run's recorder takes it (./sandbox-client.ts).
 * Without the dev line's secret it does not exist.
 */
export const traceInbox = new Hono<AppEnv>().post(TRACE_INBOX_PATH, async (c) => {
  if (!hasInternalSecret(localVars(c.env).INTERNAL_SECRET, c.req.raw)) {
    throw new ApiError("route_not_found", `No route for POST ${TRACE_INBOX_PATH}.`);
  }
  const { traces } = decodeOrFail(PushedTraces, await c.req.json(), "invalid_request", "traces");
  // Decoded to exactly RunTrace's shape; only its arrays are typed readonly.
  for (const { runId, ...trace } of traces) traceHandoff.offer(runId, trace as RunTrace);
  return c.body(null, 204);
});
