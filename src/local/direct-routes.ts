import { Schema } from "effect";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { decodeOrFail } from "../base/decode";
import { ApiError } from "../base/errors";
import { Hash } from "../base/schemas";
import { hasInternalSecret } from "./internal-secret";
import { localVars } from "./local-vars";
import { LANE_NAMES, LANES_PATH, type LaneName, type LaneRoutes } from "./protocol";

/** Only a runtime of this line on this machine: a forged table can point nowhere else. */
const LoopbackUrl = Schema.String.check(Schema.isPattern(/^http:\/\/127\.0\.0\.1:\d{1,5}$/));
const Lane = Schema.Literals(LANE_NAMES);
const LaneRoutesSchema = Schema.Struct({
  full: Schema.Boolean,
  lanes: Schema.Record(Lane, Schema.NullOr(LoopbackUrl)),
  programs: Schema.Array(Schema.Tuple([Hash, Schema.NullOr(Schema.Union([Lane, Schema.Literal("supervisor")]))])),
});

/** Each lane's serving runtime, its port read once per table; none known until the supervisor's first table. */
let lanes: Partial<Record<LaneName, DirectRoute>> | undefined;
/** A runtime of the table failed a run: the app asks for a whole table again. */
let stale = false;
/** Programs that do not run in probation: their lane, or "supervisor". */
const programs = new Map<string, LaneName | "supervisor">();

/** A runtime a run of `hash` may be sent to without the supervisor, if the table says which. */
export interface DirectRoute {
  readonly url: string;
  readonly port: number;
}

/**
 * Where a run of `hash` goes straight to, or undefined: through the supervisor (no table yet, the
 * lane has no runtime serving, or the supervisor keeps the program's runs). `known`: a table came.
 */
export const directRoutes = {
  /** Whether the app has a table it trusts; if not, its runs through the supervisor ask for one. */
  get known(): boolean {
    return lanes !== undefined && !stale;
  },
  to(hash: string): DirectRoute | undefined {
    const lane = programs.get(hash) ?? "probation";
    if (lane === "supervisor") return undefined;
    return lanes?.[lane];
  },
  /**
   * A run to `url` broke off: no run goes there again until the supervisor says where each lane is.
   * A runtime's port outlives it, and another process may take it: nothing more is sent to it.
   */
  forget(url: string) {
    for (const name of LANE_NAMES) if (lanes?.[name]?.url === url) delete lanes[name];
    stale = true;
  },
  apply(routes: LaneRoutes) {
    if (routes.full) {
      programs.clear();
      stale = false;
    }
    lanes = {};
    for (const name of LANE_NAMES) {
      const url = routes.lanes[name];
      if (url) lanes[name] = { url, port: Number(new URL(url).port) };
    }
    for (const [hash, lane] of routes.programs) {
      if (lane === null) programs.delete(hash);
      else programs.set(hash, lane);
    }
  },
};

/**
 * Where the supervisor sends its table of lanes (./protocol.ts LaneRoutes): with it, a run crosses one
 * process (app → runtime) instead of two. Without the dev line's secret it does not exist.
 */
export const laneInbox = new Hono<AppEnv>().post(LANES_PATH, async (c) => {
  if (!hasInternalSecret(localVars(c.env).INTERNAL_SECRET, c.req.raw)) {
    throw new ApiError("route_not_found", `No route for POST ${LANES_PATH}.`);
  }
  directRoutes.apply(decodeOrFail(LaneRoutesSchema, await c.req.json(), "invalid_request", "lanes"));
  return c.body(null, 204);
});
