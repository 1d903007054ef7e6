import type { Env } from "../env";
import type { HistoryEntry } from "./prompt-log";

export function historyOf(env: Env, visitorId: string) {
  return env.PROMPT_LOG.get(env.PROMPT_LOG.idFromName(visitorId));
}

/**
 * Records a run after the response has gone out: history must never slow a run down, and a
 * failed write is logged rather than turned into a failed run.
 */
export function recordRun(
  env: Env,
  ctx: { waitUntil(promise: Promise<unknown>): void },
  visitorId: string,
  entry: HistoryEntry,
): void {
  ctx.waitUntil(
    historyOf(env, visitorId)
      .record(entry)
      .catch((error: unknown) => console.error("history write failed", error)),
  );
}
