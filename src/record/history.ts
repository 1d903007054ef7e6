import { LOG_WAIT_MS } from "../config/limits";
import type { Env } from "../env";
import { LOGS_PATH } from "../sandbox/protocol";
import { EMPTY_CONSOLE } from "./console-capture";
import type { HistoryEntry, RunRecord, RunTrace } from "./history-entry";
import { mailboxFor } from "./run-logs";

export function historyOf(env: Env, visitorId: string) {
  return env.PROMPT_LOG.get(env.PROMPT_LOG.idFromName(visitorId));
}

/** The run's console and egress: the local sandbox runtime keeps them, in production the mailbox. */
async function collectTrace(env: Env, runId: string): Promise<RunTrace> {
  if (!env.SANDBOX_URL) return mailboxFor(env, runId).take(runId, LOG_WAIT_MS);
  const response = await fetch(new URL(`${LOGS_PATH}${encodeURIComponent(runId)}`, env.SANDBOX_URL));
  return response.ok ? ((await response.json()) as RunTrace) : { console: null, egress: [] };
}

/**
 * Records a run after the response has gone out, so history never slows a run down: first the run
 * itself, then its console once the tail has delivered it. A failed write is logged, never turned
 * into a failed run. A run that never reached an isolate has no console to wait for.
 */
export function recordRun(
  env: Env,
  ctx: { waitUntil(promise: Promise<unknown>): void },
  visitorId: string,
  entry: HistoryEntry & { id: string },
  error: RunRecord["error"],
): void {
  const history = historyOf(env, visitorId);
  const reachedIsolate = entry.cold !== null;
  ctx.waitUntil(
    (async () => {
      await history.record(entry, error, reachedIsolate ? null : EMPTY_CONSOLE);
      if (!reachedIsolate) return;
      const trace = await collectTrace(env, entry.id).catch((): RunTrace => ({ console: null, egress: [] }));
      // A console that never arrives (the runtime was replaced under the run) is marked incomplete.
      await history.attachTrace(entry.id, trace.console ?? { ...EMPTY_CONSOLE, truncated: true }, trace.egress);
    })().catch((failure: unknown) => console.error("history write failed", failure)),
  );
}
