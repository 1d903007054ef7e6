import { type RunLimits, runLimits } from "../config/limits";
import type { Env } from "../env";
import { ApiError, errorResponse } from "../respond/errors";
import { programResponse } from "../respond/program-response";
import type { Program } from "../store/program";
import { encodeRun } from "./envelope";
import { execute } from "./execute";
import { EXECUTE_PATH, OUTCOME_HEADER } from "./protocol";

/**
 * Runs a program and answers the caller's final response: the program's own, hardened, or one of
 * our JSON errors. Production runs it through this worker's own Worker Loader binding. Locally, the
 * dev supervisor sets SANDBOX_URL and programs run in a separate runtime it can replace when a
 * program wedges or exhausts it, so this worker (store, history, page) never goes down with it.
 */
export async function runProgram(env: Env, hash: string, program: Program, request: Request): Promise<Response> {
  const limits = runLimits(env);
  if (env.SANDBOX_URL) return runRemote(env.SANDBOX_URL, hash, program, limits, request);
  try {
    return programResponse(await execute(env.LOADER, hash, program, limits, request));
  } catch (error) {
    if (error instanceof ApiError) return errorResponse(error);
    throw error;
  }
}

async function runRemote(
  sandboxUrl: string,
  hash: string,
  program: Program,
  limits: RunLimits,
  request: Request,
): Promise<Response> {
  const answer = await fetch(new URL(EXECUTE_PATH, sandboxUrl), {
    method: "POST",
    body: await encodeRun({ hash, program, limits, request }),
  });
  if (!answer.headers.has(OUTCOME_HEADER)) {
    throw new Error(`the local sandbox runtime answered ${answer.status} without an outcome`);
  }
  const headers = new Headers(answer.headers);
  headers.delete(OUTCOME_HEADER);
  return new Response(answer.body, { status: answer.status, headers });
}
