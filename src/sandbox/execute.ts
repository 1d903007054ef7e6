import { decodeOrFail } from "../base/decode";
import { ApiError, type ErrorCode } from "../base/errors";
import type { Program } from "../base/program";
import { RUN_WALL_MS, type RunLimits } from "../config/limits";
import { runStore } from "./capabilities/capabilities-of";
import { inUserTerms } from "./locate";
import { ReadyOutcome, RunOutcome } from "./outcome";
import { type Capabilities, isolateId, workerCode } from "./worker-code";

interface Runner {
  run(request: Request, runId: string, store: Fetcher): Promise<unknown>;
  call(name: string, argsJson: string, runId: string, store: Fetcher): Promise<unknown>;
  ready(): Promise<unknown>;
}

/**
 * A call of one of a module's exports instead of its fetch handler: a function export, `Class.method`
 * of an exported WorkerEntrypoint, or a method of the default one. The arguments travel as JSON text
 * (a JSON array), so the isolate parses them itself and nothing but JSON crosses in.
 */
export interface ProgramCall {
  readonly name: string;
  readonly args: string;
}

/** One run of one program, as the sandbox needs it. */
export interface Run {
  readonly hash: string;
  readonly program: Program;
  readonly limits: RunLimits;
  readonly request: Request;
  /** Ties the run's console output (through the tails) to its record. */
  readonly runId: string;
  /** Call this export instead of the fetch handler; the request is then unused. */
  readonly call?: ProgramCall;
}

/**
 * "cached" isolates (LOADER.get) stay warm for the next run of the same program; "fresh" ones
 * (LOADER.load) are freed after the run. Production always caches: the platform evicts idle isolates.
 */
export type IsolateReuse = "cached" | "fresh";

/** An error of the program's own (it threw, or cannot load), raised after the isolate ran it. */
export class ProgramError extends ApiError {
  readonly warm: boolean;
  constructor(code: ErrorCode, message: string, details: Record<string, unknown>, warm: boolean) {
    super(code, message, details);
    this.warm = warm;
  }
}

export interface Executed {
  readonly response: Response;
  /** The isolate had run this program before: module state and compiled code were reused. */
  readonly warm: boolean;
}

/**
 * Runs a program in its own isolate and returns the program's response. Everything that is not the
 * program answering normally becomes an ApiError with the runtime's own words, positions in the
 * user's own lines and columns.
 */
export async function execute(
  loader: WorkerLoader | undefined,
  run: Run,
  options: {
    reuse?: IsolateReuse;
    /** Whether the run is watched by our tail (default): isolates with and without one are apart. */
    tailed?: boolean;
    /** Called only when an isolate is built: a warm run creates no stubs it would not use. */
    capabilities?: (tailed: boolean) => Capabilities;
  } = {},
): Promise<Executed> {
  const { program, limits } = run;
  const tailed = options.tailed ?? true;
  const code = () => workerCode(program, limits, options.capabilities?.(tailed));
  const worker =
    (options.reuse ?? "cached") === "cached"
      ? present(loader).get(isolateId(run.hash, limits, tailed), code)
      : present(loader).load(code());
  const runner = worker.getEntrypoint() as unknown as Runner;
  const store = runStore(run.hash, run.runId);
  const invocation = run.call
    ? runner.call(run.call.name, run.call.args, run.runId, store)
    : runner.run(run.request, run.runId, store);
  const outcome = decodeOrFail(
    RunOutcome,
    await withWallClock(invocation).catch((error: unknown) => runtimeFailure(program, error)),
    "internal_error",
    "runner outcome",
  );
  switch (outcome.kind) {
    case "ok":
      return { response: outcome.response, warm: outcome.warm };
    case "load_error":
      throw new ProgramError("load_error", outcome.message, {}, outcome.warm);
    case "no_export":
      throw new ProgramError("export_not_found", outcome.message, {}, outcome.warm);
    case "not_json":
      throw new ProgramError("result_not_json", outcome.message, {}, outcome.warm);
    case "exception": {
      const stack = inUserTerms(program, outcome.stack);
      throw new ProgramError(
        "program_exception",
        `${outcome.name}: ${outcome.message}`,
        { name: outcome.name, stack: stack.text, location: stack.location },
        outcome.warm,
      );
    }
  }
}

/**
 * Loads a program's cached isolate before its first run (at submit time): its top level runs now,
 * a load error surfaces now, and the first run finds the isolate warm.
 */
export async function prepare(
  loader: WorkerLoader | undefined,
  target: Pick<Run, "hash" | "program" | "limits">,
  options: { capabilities?: (tailed: boolean) => Capabilities } = {},
): Promise<void> {
  const { program, limits } = target;
  const worker = present(loader).get(isolateId(target.hash, limits, true), () =>
    workerCode(program, limits, options.capabilities?.(true)),
  );
  const runner = worker.getEntrypoint() as unknown as Runner;
  const outcome = decodeOrFail(
    ReadyOutcome,
    await withWallClock(runner.ready()).catch((error: unknown) => runtimeFailure(program, error)),
    "internal_error",
    "runner readiness",
  );
  if (outcome.kind === "load_error") throw new ProgramError("load_error", outcome.message, {}, false);
}

function present(loader: WorkerLoader | undefined): WorkerLoader {
  if (loader) return loader;
  throw new ApiError(
    "loader_unavailable",
    "Running code needs the Dynamic Worker Loader, which this deployment does not have. Programs can still be submitted and history still works; run locally with the README's dev line or deploy wrangler.jsonc to an account with Worker Loader access.",
  );
}

const TOO_LATE: unique symbol = Symbol("too late");

async function withWallClock<T>(work: Promise<T>): Promise<T> {
  // The runtime's own timer, a promise already (no JS timer or listener to make on every run); it
  // outlives a run that answered, harmlessly.
  const late = scheduler.wait(RUN_WALL_MS).then((): typeof TOO_LATE => TOO_LATE);
  const first: T | typeof TOO_LATE = await Promise.race([work, late]);
  if (first === TOO_LATE)
    throw new ApiError("run_timeout", `The program did not answer within ${RUN_WALL_MS / 1000} s.`);
  return first;
}

/** Maps an error thrown by the runtime (not by the program) to the API error it means. */
function runtimeFailure(program: Program, error: unknown): never {
  if (error instanceof ApiError) throw error;
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith("Failed to start Worker")) {
    const detail = inUserTerms(program, message.replace(/^Failed to start Worker:\s*/, ""));
    throw new ApiError("load_error", detail.text, { location: detail.location });
  }
  if (/would never generate a response|will never generate a response/i.test(message)) {
    // The program awaited something that can never settle: its bug, and the runtime says so.
    throw new ApiError(
      "no_response",
      "The program's answer never came: it awaited a promise that nothing can ever settle, so the runtime gave up on it.",
    );
  }
  if (/exceeded CPU time limit|CPU time limit exceeded|exceeded resource limits/i.test(message)) {
    throw new ApiError("limit_exceeded", `The program exceeded its CPU time limit. ${message}`, { limit: "cpuMs" });
  }
  if (/memory limit|out of memory/i.test(message)) {
    throw new ApiError("limit_exceeded", `The program exceeded its memory limit. ${message}`, { limit: "memory" });
  }
  throw new ApiError("internal_error", `The runtime failed while running the program: ${message}`);
}
