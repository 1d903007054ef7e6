import type { EgressEntry, RunConsole } from "../base/answers";
import type { ErrorBody } from "../base/errors";

/**
 * The local sandbox runtime's answer carries this header: "ok" for the program's own
 * response (the app hardens it), "error" for one of our JSON errors. The app removes it.
 */
export const OUTCOME_HEADER = "x-promptlog-outcome";
export const EXECUTE_PATH = "/execute";
/** POST: load a program's isolate ahead of its first run (204, or our JSON error). */
export const PREPARE_PATH = "/prepare";
export const HEALTH_PATH = "/health";
/** "1" when the program's isolate had run it before, "0" when it was new. */
export const WARM_HEADER = "x-promptlog-warm";
/**
 * On the supervisor, GET /logs/<run id>: the trace of a run whose trace did not reach the app in
 * time, answered once the supervisor knows how the run ended (its trace came, or its runtime ended).
 */
export const LOGS_PATH = "/logs/";
/** On the supervisor, POST from a runtime: the traces of runs that ended, `{ traces: PushedTrace[] }`. */
export const TRACES_PATH = "/traces";
/** On the app, POST from the supervisor: the same, for the runs the app traces. */
export const TRACE_INBOX_PATH = "/internal/traces";
/** On the app: env.STORE operations of programs running in the local sandbox runtime. */
export const STORE_PATH = "/internal/store";
export const INTERNAL_SECRET_HEADER = "x-promptlog-internal";
/** On /execute and /prepare: the program's hash, so the supervisor can place it without reading the body. */
export const PROGRAM_HEADER = "x-promptlog-program";
/** On /execute: the run's id, so the supervisor can follow the run without reading the body. */
export const RUN_HEADER = "x-promptlog-run";

/** One run's trace as the runtime pushes it: its console from the tail, or a limit error from the supervisor. */
export interface PushedTrace {
  readonly runId: string;
  readonly console: RunConsole | null;
  readonly egress: EgressEntry[];
  readonly error?: ErrorBody;
}
