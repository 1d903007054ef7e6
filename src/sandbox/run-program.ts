import { exports } from "cloudflare:workers";
import { Schema } from "effect";
import { runLimits } from "../config/limits";
import type { Env } from "../env";
import { type Outcome, outcomeOf } from "../record/outcome";
import { ApiError, ERROR_STATUS, type ErrorBody, type ErrorCode, errorResponse } from "../respond/errors";
import { programResponse } from "../respond/program-response";
import type { Program } from "../store/program";
import { decodeOrFail } from "../validate/decode";
import { encodeRun } from "./envelope";
import { execute, ProgramError, type Run } from "./execute";
import { EXECUTE_PATH, OUTCOME_HEADER, WARM_HEADER } from "./protocol";
import { type Capabilities, type CapabilityMakers, capabilitiesOf } from "./worker-code";

/** The caller's final response, and what the run's record says of it. */
export interface RunResult {
  readonly response: Response;
  readonly outcome: Outcome;
  /** Whether the isolate was new for this run; null when the run never reached one. */
  readonly cold: boolean | null;
  /** The error body, for runs that did not end with the program's own response. */
  readonly error: ErrorBody | null;
}

/**
 * Runs a program and answers the caller's final response: the program's own, hardened, or one of
 * our JSON errors. Production runs it through this worker's own Worker Loader binding, with our
 * RunTail watching its console. Locally, the dev supervisor sets SANDBOX_URL and programs run in a
 * separate runtime it can replace when a program wedges or exhausts it, so this worker (store,
 * history, page) never goes down with it.
 */
export async function runProgram(
  env: Env,
  hash: string,
  program: Program,
  request: Request,
  runId: string,
): Promise<RunResult> {
  const run: Run = { hash, program, limits: runLimits(env), request, runId };
  if (env.SANDBOX_URL) return runRemote(env.SANDBOX_URL, run);
  try {
    // The gateway's props name the run, so a program with network gets a fresh isolate per run.
    const executed = await execute(env.LOADER, run, {
      ...(program.network ? { reuse: "fresh" } : {}),
      capabilities: () => capabilitiesFor(hash, program, runId),
    });
    return { response: programResponse(executed.response), outcome: "ok", cold: !executed.warm, error: null };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    const cold = error instanceof ProgramError ? !error.warm : null;
    return { response: errorResponse(error), outcome: outcomeOf(error.code), cold, error: error.toJSON().error };
  }
}

/** What this worker hands a program's isolate, made from its own entrypoints. */
const makers: CapabilityMakers = {
  tail: () => exports.RunTail({ props: {} }),
  store: (hash) => exports.StoreAccess({ props: { hash } }),
  gateway: (runId) => exports.EgressGateway({ props: { runId } }),
};

export function capabilitiesFor(hash: string, program: Program, runId: string): Capabilities {
  return capabilitiesOf(makers, hash, program, runId);
}

/** Our own JSON error, as the local sandbox runtime or its supervisor answers it. */
export const SandboxError = Schema.Struct({
  error: Schema.StructWithRest(
    Schema.Struct({
      code: Schema.Literals(Object.keys(ERROR_STATUS) as ErrorCode[]),
      message: Schema.String,
    }),
    [Schema.Record(Schema.String, Schema.Unknown)],
  ),
});

async function runRemote(sandboxUrl: string, run: Run): Promise<RunResult> {
  const answer = await fetch(new URL(EXECUTE_PATH, sandboxUrl), { method: "POST", body: await encodeRun(run) });
  const outcome = answer.headers.get(OUTCOME_HEADER);
  if (outcome !== "ok" && outcome !== "error") {
    throw new Error(`the local sandbox runtime answered ${answer.status} without an outcome`);
  }
  const headers = new Headers(answer.headers);
  headers.delete(OUTCOME_HEADER);
  headers.delete(WARM_HEADER);
  const warm = answer.headers.get(WARM_HEADER);
  const cold = warm === null ? null : warm !== "1";
  if (outcome === "ok") {
    return {
      response: new Response(answer.body, { status: answer.status, headers }),
      outcome: "ok",
      cold,
      error: null,
    };
  }
  const text = await answer.text();
  const { error } = decodeOrFail(SandboxError, JSON.parse(text), "internal_error", "sandbox answer");
  return {
    response: new Response(text, { status: answer.status, headers }),
    outcome: outcomeOf(error.code),
    cold,
    error,
  };
}
