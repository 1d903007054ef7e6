import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

let ticksPerSecond: number | undefined;

/**
 * CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat; 0 when it is gone.
 * `ofEndedChildren`: instead, the time of its children that ended and were reaped (cutime + cstime).
 */
export function cpuMs(pid: number | undefined, ofEndedChildren = false): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const at = ofEndedChildren ? 13 : 11;
    const ticks = Number(fields[at]) + Number(fields[at + 1]);
    ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    return (ticks * 1000) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** The CPU time each of several processes has used so far, in ms. */
export function cpuSnapshot(pids: readonly (number | undefined)[]): Map<number, number> {
  return new Map(pids.filter((pid) => pid !== undefined).map((pid) => [pid, cpuMs(pid)]));
}

/**
 * The CPU time `pids` (the processes alive now) used since `before`: a process started since counts
 * whole; one that ended since is missed (its time cannot be read any more), so this never goes below 0.
 */
export function cpuSince(before: Map<number, number>, pids: readonly (number | undefined)[]): number {
  return [...cpuSnapshot(pids)].reduce((sum, [pid, now]) => sum + Math.max(0, now - (before.get(pid) ?? 0)), 0);
}

/**
 * What the processes of `before` that are gone now had used by then. Once reaped, a process's whole
 * time is its parent's (`cpuMs(parent, true)`): this is the part of it from before, to take off.
 */
export function cpuOfGoneBefore(before: Map<number, number>, pids: readonly (number | undefined)[]): number {
  const alive = new Set(pids);
  return [...before].reduce((sum, [pid, then]) => sum + (alive.has(pid) ? 0 : then), 0);
}
