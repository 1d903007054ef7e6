import type { HistoryEntry, RunRecord } from "../base/answers";
import type { RunTrace, Sandbox } from "../sandbox/sandbox";
import { EMPTY_CONSOLE } from "../sandbox/telemetry/console-capture";

export function historyOf(env: Env, visitorId: string) {
  return env.PROMPT_LOG.get(env.PROMPT_LOG.idFromName(visitorId));
}

/**
 * Records a run after the response has gone out, so history never slows a run down: first the run
 * itself, then its console once the sandbox's tail has delivered it. A failed write is logged, never
 * turned into a failed run. A run that never reached an isolate has no console to wait for.
 */
export function recordRun(
  env: Env,
  ctx: { waitUntil(promise: Promise<unknown>): void },
  sandbox: Pick<Sandbox, "trace">,
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
      const trace = await sandbox.trace(entry.id).catch((): RunTrace => ({ console: null, egress: [] }));
      // A console that never arrives (the runtime was replaced under the run) is marked incomplete.
      await history.attachTrace(entry.id, trace.console ?? { ...EMPTY_CONSOLE, truncated: true }, trace.egress);
    })().catch((failure: unknown) => console.error("history write failed", failure)),
  );
}
