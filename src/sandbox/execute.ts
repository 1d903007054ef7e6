import { RUN_WALL_MS, type RunLimits } from "../config/limits";
import { ApiError } from "../respond/errors";
import type { Program } from "../store/program";
import { decodeOrFail } from "../validate/decode";
import { RunOutcome } from "./outcome";
import { isolateId, workerCode } from "./worker-code";

interface Runner {
  run(request: Request): Promise<unknown>;
}

/**
 * "cached" isolates (LOADER.get) stay warm for the next run of the same program; "fresh" ones
 * (LOADER.load) are freed after the run. Production always caches: the platform evicts idle isolates.
 */
export type IsolateReuse = "cached" | "fresh";

/**
 * Runs a program in its own isolate and returns the program's response. Everything that is not the
 * program answering normally becomes an ApiError with the runtime's own words.
 */
export async function execute(
  loader: WorkerLoader | undefined,
  hash: string,
  program: Program,
  limits: RunLimits,
  request: Request,
  reuse: IsolateReuse = "cached",
): Promise<Response> {
  if (!loader) {
    throw new ApiError(
      "loader_unavailable",
      "Running code needs the Dynamic Worker Loader, which this deployment does not have. Programs can still be submitted and history still works; run locally with the README's dev line or deploy wrangler.jsonc to an account with Worker Loader access.",
    );
  }
  const worker =
    reuse === "cached"
      ? loader.get(isolateId(hash, limits), () => workerCode(program, limits))
      : loader.load(workerCode(program, limits));
  const runner = worker.getEntrypoint() as unknown as Runner;
  const outcome = decodeOrFail(
    RunOutcome,
    await withWallClock(runner.run(request)).catch(runtimeFailure),
    "internal_error",
    "runner outcome",
  );
  switch (outcome.kind) {
    case "ok":
      return outcome.response;
    case "load_error":
      throw new ApiError("load_error", outcome.message);
    case "exception":
      throw new ApiError("program_exception", `${outcome.name}: ${outcome.message}`, {
        name: outcome.name,
        stack: outcome.stack,
      });
  }
}

function withWallClock<T>(work: Promise<T>): Promise<T> {
  let timer = 0;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new ApiError("run_timeout", `The program did not answer within ${RUN_WALL_MS / 1000} s.`)),
      RUN_WALL_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** Maps an error thrown by the runtime (not by the program) to the API error it means. */
function runtimeFailure(error: unknown): never {
  if (error instanceof ApiError) throw error;
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith("Failed to start Worker")) {
    throw new ApiError("load_error", message.replace(/^Failed to start Worker:\s*/, ""));
  }
  if (/exceeded CPU time limit|CPU time limit exceeded|exceeded resource limits/i.test(message)) {
    throw new ApiError("limit_exceeded", `The program exceeded its CPU time limit. ${message}`, { limit: "cpuMs" });
  }
  if (/memory limit|out of memory/i.test(message)) {
    throw new ApiError("limit_exceeded", `The program exceeded its memory limit. ${message}`, { limit: "memory" });
  }
  throw new ApiError("internal_error", `The runtime failed while running the program: ${message}`);
}
