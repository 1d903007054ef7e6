import type { HistoryEntry, RunConsole } from "../base/answers";
import type { ErrorBody } from "../base/errors";
import type { RunTrace, Sandbox } from "../sandbox/sandbox";
import { EMPTY_CONSOLE } from "../sandbox/telemetry/console-capture";
import { addToHistory } from "./history-batch";
import { outcomeOf } from "./outcome";

export function historyOf(env: Env, visitorId: string) {
  return env.PROMPT_LOG.get(env.PROMPT_LOG.idFromName(visitorId));
}

/**
 * How long a run's record waits for its console, so that the run costs its visitor's history one
 * write: a run's tail arrives within milliseconds of its end. A run still going after that (its
 * waitUntil) is recorded without it, and its console follows in a second write.
 */
const TRACE_WAIT_MS = 1_000;

const NO_TRACE: RunTrace = { console: null, egress: [] };

/**
 * Records a run after its answer has gone out, so history never slows a run down: once its body
 * has ended (a body cut at a limit makes the run limit_exceeded), with its console once the
 * sandbox's tail has delivered it, in a batch with the visitor's other runs (history-batch.ts). A
 * failed write is logged, never turned into a failed run. A run that never reached an isolate has no
 * console to wait for.
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
      if (!reachedIsolate) return addToHistory(history, visitorId, { entry, error, console: EMPTY_CONSOLE });
      const tracing = sandbox.trace(entry.id).catch(() => NO_TRACE);
      const early = await Promise.race([tracing, sleep(TRACE_WAIT_MS)]);
      if (early) {
        // A run that passed a limit after it answered (its waitUntil) has that limit as its outcome.
        const late = early.error ?? null;
        const outcome = late ? outcomeOf(late.code) : entry.outcome;
        const recorded = { entry: { ...entry, outcome }, error: late ?? error, console: consoleOf(early) };
        return addToHistory(history, visitorId, { ...recorded, egress: early.egress });
      }
      // Its console follows, and must find the run: this one is written on its own, at once.
      await history.record([{ entry, error, console: null }]);
      const trace = await tracing;
      await history.attachTrace(
        entry.id,
        consoleOf(trace),
        trace.egress,
        trace.error ? { error: trace.error, outcome: outcomeOf(trace.error.code) } : null,
      );
    })().catch((failure: unknown) => console.error("history write failed", failure)),
  );
}

/** A console that never arrives (the runtime was replaced under the run) is marked incomplete. */
function consoleOf(trace: RunTrace): RunConsole {
  return trace.console ?? { ...EMPTY_CONSOLE, truncated: true };
}

function sleep(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms));
}
