import type { HistoryEntry } from "../base/answers";
import type { ErrorBody } from "../base/errors";
import type { RunTrace, Sandbox } from "../sandbox/sandbox";
import { EMPTY_CONSOLE } from "../sandbox/telemetry/console-capture";
import { outcomeOf } from "./outcome";

export function historyOf(env: Env, visitorId: string) {
  return env.PROMPT_LOG.get(env.PROMPT_LOG.idFromName(visitorId));
}

/**
 * Records a run after its answer has gone out, so history never slows a run down: first the run
 * itself, once its body has ended (a body cut at a limit makes the run limit_exceeded), then its
 * console once the sandbox's tail has delivered it. A failed write is logged, never turned into a
 * failed run. A run that never reached an isolate has no console to wait for.
 */
export function recordRun(
  env: Env,
  ctx: { waitUntil(promise: Promise<unknown>): void },
  sandbox: Pick<Sandbox, "trace">,
  visitorId: string,
  run: Omit<HistoryEntry, "outcome"> & { id: string },
  failure: ErrorBody | null,
  /** Resolves when the answer has gone out: the limit error it was cut at, or null. */
  ended: Promise<ErrorBody | null>,
): void {
  const history = historyOf(env, visitorId);
  const reachedIsolate = run.cold !== null;
  ctx.waitUntil(
    (async () => {
      const error = (await ended) ?? failure;
      const entry = { ...run, outcome: outcomeOf(error?.code) };
      await history.record(entry, error, reachedIsolate ? null : EMPTY_CONSOLE);
      if (!reachedIsolate) return;
      const trace = await sandbox.trace(entry.id).catch((): RunTrace => ({ console: null, egress: [] }));
      // A console that never arrives (the runtime was replaced under the run) is marked incomplete.
      await history.attachTrace(
        entry.id,
        trace.console ?? { ...EMPTY_CONSOLE, truncated: true },
        trace.egress,
        trace.error ? { error: trace.error, outcome: outcomeOf(trace.error.code) } : null,
      );
    })().catch((failure: unknown) => console.error("history write failed", failure)),
  );
}
