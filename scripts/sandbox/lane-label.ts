import { readFileSync } from "node:fs";
import type { LaneName } from "./limits.ts";

/**
 * Each sandbox runtime carries its lane in its environment (workerd ignores it): `ps e` shows it, and
 * tests and benchmarks read it from /proc to tell the lanes' runtimes apart.
 */
export const LANE_ENV = "PROMPTLOG_LANE";

/** The lane of a running sandbox runtime, from /proc/<pid>/environ; undefined if gone or unlabelled. */
export function laneOfProcess(pid: number): LaneName | undefined {
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, "latin1");
    return new RegExp(`(?:^|\\0)${LANE_ENV}=([^\\0]*)`).exec(environ)?.[1] as LaneName | undefined;
  } catch {
    return undefined;
  }
}
