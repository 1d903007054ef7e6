import { runLimits } from "../config/limits";
import type { Env } from "../env";
import { ApiError, type ErrorBody } from "../respond/errors";
import type { Program } from "../store/program";
import { decodeOrFail } from "../validate/decode";
import { encodeRun } from "./envelope";
import { prepare } from "./execute";
import { PREPARE_PATH, WARM_HEADER } from "./protocol";
import { capabilitiesFor, SandboxError } from "./run-program";

/** Whether a submitted program's isolate is loaded and waiting for its first run. */
export type Prepared =
  | { readonly loaded: true }
  | {
      readonly loaded: false;
      /** Why not: the program cannot load (load_error), a limit, or no Worker Loader here. */
      readonly error: ErrorBody | null;
    };

/**
 * Loads a program at submit time, so its first run is as fast as a warm one and a module that
 * cannot load says so at once. Programs with network get a fresh isolate per run (the gateway
 * names the run), so there is nothing to load ahead for them.
 */
export async function prepareProgram(env: Env, hash: string, program: Program): Promise<Prepared> {
  if (program.network) return { loaded: false, error: null };
  const target = { hash, program, limits: runLimits(env) };
  try {
    if (env.SANDBOX_URL) {
      return (await prepareRemote(env.SANDBOX_URL, target)) ? { loaded: true } : { loaded: false, error: null };
    }
    await prepare(env.LOADER, target, { capabilities: () => capabilitiesFor(hash, program, "prepare") });
    return { loaded: true };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { loaded: false, error: error.toJSON().error };
  }
}

/** Whether the local sandbox runtime loaded the program (it loads a budget of them per runtime). */
async function prepareRemote(sandboxUrl: string, target: Parameters<typeof prepare>[1]): Promise<boolean> {
  const body = await encodeRun({ ...target, request: new Request("http://sandbox/"), runId: "prepare" });
  const answer = await fetch(new URL(PREPARE_PATH, sandboxUrl), { method: "POST", body });
  if (answer.ok) return answer.headers.get(WARM_HEADER) === "1";
  const { error } = decodeOrFail(SandboxError, await answer.json(), "internal_error", "sandbox answer");
  const { code, message, ...details } = error;
  throw new ApiError(code, message, details);
}
