import { Schema } from "effect";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { decodeOrFail } from "../base/decode";
import { ApiError } from "../base/errors";
import { Hash } from "../base/schemas";
import { loadProgram } from "../store/program-store";
import { directRoutes } from "./direct-routes";
import { hasInternalSecret } from "./internal-secret";
import { localVars } from "./local-vars";
import { LANE_NAMES, LANES_PATH } from "./protocol";
import { localSandbox } from "./sandbox-client";

/** Only a runtime of this line on this machine: a forged table can point nowhere else. */
const LoopbackUrl = Schema.String.check(Schema.isPattern(/^http:\/\/127\.0\.0\.1:\d{1,5}$/));
const Lane = Schema.Literals(LANE_NAMES);
const LaneRoutesSchema = Schema.Struct({
  full: Schema.Boolean,
  lanes: Schema.Record(Lane, Schema.NullOr(LoopbackUrl)),
  programs: Schema.Array(Schema.Tuple([Hash, Schema.NullOr(Schema.Union([Lane, Schema.Literal("supervisor")]))])),
});

/**
 * Programs one table may have loaded ahead: a change names the few programs whose runs just moved
 * (the sandbox runtime keeps at most 12 loaded ahead and unrun, src/local/sandbox-host).
 */
const LOAD_AHEAD_PER_TABLE = 12;

/**
 * Where the supervisor sends its table of lanes (./protocol.ts LaneRoutes): with it, a run crosses one
 * process (app → runtime) instead of two. Without the dev line's secret it does not exist.
 * A program the table hands to the supervisor has, most often, just earned a lane of its own (its
 * third clean run in probation): its isolate is loaded there now, so its next run finds it warm
 * instead of waiting for the load (about 7 ms here, 2026-11-25).
 */
export const laneInbox = new Hono<AppEnv>().post(LANES_PATH, async (c) => {
  if (!hasInternalSecret(localVars(c.env).INTERNAL_SECRET, c.req.raw)) {
    throw new ApiError("route_not_found", `No route for POST ${LANES_PATH}.`);
  }
  const handedOver = directRoutes.apply(decodeOrFail(LaneRoutesSchema, await c.req.json(), "invalid_request", "lanes"));
  for (const hash of handedOver.slice(0, LOAD_AHEAD_PER_TABLE)) {
    c.executionCtx.waitUntil(loadAhead(c.env, hash).catch(() => undefined));
  }
  return c.body(null, 204);
});

async function loadAhead(env: Env, hash: string) {
  const program = await loadProgram(env, hash);
  if (program) await localSandbox(env).loadAhead(hash, program);
}
