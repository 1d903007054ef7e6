import { readFileSync } from "node:fs";

/**
 * Memory of one process in MiB, from /proc: resident (VmRSS), and writable private (VmData, what
 * RLIMIT_DATA counts). Zeros when it is gone, or where there is no /proc.
 */
export function memoryMib(pid: number | undefined): { rss: number; data: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
    return { rss: field("VmRSS"), data: field("VmData") };
  } catch {
    return { rss: 0, data: 0 };
  }
}

/** Resident memory of one process in MiB, from /proc; 0 when it is gone. */
export function rssMib(pid: number | undefined): number {
  return memoryMib(pid).rss;
}

/** The soft RLIMIT_DATA of a running process in MiB, from /proc; undefined when unlimited or unknown. */
export function dataLimitMib(pid: number | undefined): number | undefined {
  try {
    const soft = /^Max data size\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/limits`, "utf8"))?.[1];
    return soft === undefined ? undefined : Number(soft) / 1024 / 1024;
  } catch {
    return undefined;
  }
}
