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
/**
 * "1" on a runtime's health answer: it keeps as many isolates as its memory allows
 * (./sandbox-host/isolate-budget.ts), and wants to be replaced.
 */
export const FULL_HEADER = "x-promptlog-full";
/** "1" on the supervisor's health check of a runtime it is replacing: it keeps no more isolates. */
export const RETIRING_HEADER = "x-promptlog-retiring";
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

/**
 * On the app, POST from the supervisor: where runs go without it (`LaneRoutes`). The app sends a
 * program's runs straight to its lane's runtime, and only what the table does not cover through the
 * supervisor (./direct-routes.ts).
 */
export const LANES_PATH = "/internal/lanes";
/** On the supervisor, POST from the app: the runs it sent straight to a runtime, `{ reports: RunReport[] }`. */
export const RUNS_PATH = "/runs";
/**
 * On the supervisor, GET /verdict/<port>: whether the runtime on that port ran out of memory as it
 * answered a run with an error: that limit's error (its answer is then that), or 204.
 */
export const VERDICT_PATH = "/verdict/";
/** On the supervisor's /execute and /prepare: it was sent straight to the runtime on this port, which went away under it. */
export const FAILED_ON_HEADER = "x-promptlog-failed-on";
/** On the supervisor's /execute and /prepare: the app has no table of lanes it trusts: send it one, whole. */
export const WANT_LANES_HEADER = "x-promptlog-want-lanes";
/**
 * "1" on the supervisor's /prepare: load the program in the lane it has just earned (trusted, or
 * heavy), ahead of its first run there; a program that has earned no new lane is answered 204 and
 * nothing is loaded (a refused one, one sent back to probation or to quarantine).
 */
export const AHEAD_HEADER = "x-promptlog-ahead";

/** The lanes a program can run in (scripts/sandbox/limits.ts LANES). */
export const LANE_NAMES = ["probation", "trusted", "heavy", "quarantine"] as const;
export type LaneName = (typeof LANE_NAMES)[number];

/**
 * Where runs go, as the supervisor pushes it to the app. `lanes`: the loopback URL of each lane's
 * serving runtime (null: none serving). `programs`: how the programs that do not simply run in
 * probation go: their lane, "supervisor" (through the supervisor: refused outright, or its first run
 * in a new lane), or null (back to probation); all of them when `full`, else what changed.
 */
export interface LaneRoutes {
  readonly full: boolean;
  readonly lanes: Readonly<Record<LaneName, string | null>>;
  readonly programs: readonly (readonly [string, LaneName | "supervisor" | null])[];
}

/** What the app tells the supervisor of a run it sent straight to a runtime: its start, then its answer's end. */
export type RunReport =
  | {
      readonly kind: "started";
      /** A run's id; for a submit's load (`prepare`), an id of its own. */
      readonly runId: string;
      readonly hash: string;
      readonly port: number;
      readonly at: number;
      readonly prepare?: true;
    }
  | { readonly kind: "answered"; readonly runId: string; readonly at: number; readonly wallMs: number };
