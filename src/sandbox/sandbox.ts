import type { EgressEntry, RunConsole } from "../base/answers";
import type { ErrorBody } from "../base/errors";
import type { Program } from "../base/program";
import type { ProgramCall } from "./execute";

/**
 * Where programs run. Two implementations: the Worker Loader of this worker (production,
 * ./worker-loader.ts) and the local sandbox runtime that `bun dev` supervises (src/local). Each entry
 * module hands the app its own; nothing else asks which runtime it is on.
 */
export interface Sandbox {
  /** Whether programs can run here at all (the page offers Run only then). */
  readonly canRun: boolean;
  /**
   * Loads a submitted program ahead of its first run, so that run is warm and load errors show now.
   * `keepAlive`: how long the caller keeps the request alive, for a sandbox that reports on the load later.
   */
  prepare(hash: string, program: Program, keepAlive?: KeepAlive): Promise<Prepared>;
  /** Runs a program once on a request; what the program answered, or why it did not. */
  run(run: ProgramRun): Promise<RunResult>;
  /** What a run printed and fetched, reported by the runtime just after its response. */
  trace(runId: string): Promise<RunTrace>;
}

/** One run of one stored program. */
export interface ProgramRun {
  readonly hash: string;
  readonly program: Program;
  /** What the program sees: nothing of the caller's but the prompt, query and body. */
  readonly request: Request;
  /** Ties the run's console output (through the tails) to its record. */
  readonly runId: string;
  /**
   * Call this export of a module instead of its fetch handler (POST /call): the response is then the
   * result as JSON, made inside the isolate, and `request` is unused.
   */
  readonly call?: ProgramCall;
  /** How long the caller keeps the run's request alive: for a sandbox that reports on the run later. */
  readonly lifetime?: RunLifetime;
}

/** Keeps work going after the response has gone out (ctx.waitUntil). */
export interface KeepAlive {
  waitUntil(work: Promise<unknown>): void;
}

/** What a run's caller offers a sandbox that still has work after the answer. */
export interface RunLifetime extends KeepAlive {
  /** Settles once the answer has gone out in full, or was cut at a limit. */
  readonly answered: Promise<unknown>;
}

/**
 * How a run ended: the program's own response (not yet hardened: the respond stage does that), or
 * one of our errors. `cold`: the isolate was new for this run; null when the run never reached one.
 */
export type RunResult =
  | { readonly response: Response; readonly error: null; readonly cold: boolean }
  | { readonly response: null; readonly error: ErrorBody; readonly cold: boolean | null };

/** Whether a submitted program's isolate is loaded and waiting for its first run. */
export type Prepared =
  | { readonly loaded: true }
  | {
      readonly loaded: false;
      /** Why not: the program cannot load (load_error), a limit, or no runtime here; null: not tried. */
      readonly error: ErrorBody | null;
    };

/** What the tail and the egress gateway report of a run after its response. */
export interface RunTrace {
  /** null when the console never arrived (the runtime was replaced under the run). */
  readonly console: RunConsole | null;
  readonly egress: EgressEntry[];
  /** A limit the run passed after it answered (a busy loop in waitUntil, say): the run's real outcome. */
  readonly error?: ErrorBody;
}
