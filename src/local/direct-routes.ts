import { LANE_NAMES, type LaneName, type LaneRoutes } from "./protocol";

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
  /**
   * Takes the supervisor's table; answers the programs a change hands to the supervisor (their next
   * run is their first in a new lane, or they are refused). A whole table answers none: it restates.
   */
  apply(routes: LaneRoutes): string[] {
    const handedOver: string[] = [];
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
      if (!routes.full && lane === "supervisor" && programs.get(hash) !== "supervisor") handedOver.push(hash);
      if (lane === null) programs.delete(hash);
      else programs.set(hash, lane);
    }
    return handedOver;
  },
};
