import type { HistoryEntry } from "../base/answers";

/** "ok · 3.2 ms · warm · 1a2b3c4d5e6f…": one history row's details, on the page and in the client. */
export function historyMeta(entry: HistoryEntry): string {
  const isolate = entry.cold === null ? [] : [entry.cold ? "cold" : "warm"];
  return [entry.outcome, `${entry.durationMs} ms`, ...isolate, `${entry.hash.slice(0, 12)}…`].join(" · ");
}
