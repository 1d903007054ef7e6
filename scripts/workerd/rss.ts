import { readFileSync } from "node:fs";

/** Resident memory of one process in MiB, from /proc; 0 when it is gone. */
export function rssMib(pid: number | undefined): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}
