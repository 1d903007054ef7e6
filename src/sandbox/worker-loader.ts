import { ApiError } from "../base/errors";
import { oncePerEnv } from "../base/once-per-env";
import { LOG_WAIT_MS, runLimits } from "../config/limits";
import { capabilitiesOf } from "./capabilities/capabilities-of";
import { execute, ProgramError, prepare } from "./execute";
import type { Sandbox } from "./sandbox";
import { mailboxFor } from "./telemetry/run-logs";

/**
 * The production sandbox: this worker's own Worker Loader binding, with our RunTail watching each
 * program's console and the run-log mailbox holding it for the recorder. Under wrangler.prod.jsonc
 * there is no LOADER (the generated Env type follows wrangler.jsonc, which has one): programs are
 * still submitted and stored, and runs answer 503 loader_unavailable.
 */
export const workerLoaderSandbox = oncePerEnv((env: Env): Sandbox => {
  const loader: WorkerLoader | undefined = env.LOADER;
  const limits = runLimits(env);
  return {
    canRun: loader !== undefined,

    async prepare(hash, program) {
      // A program with network gets a fresh isolate per run (its gateway names the run): nothing to load ahead.
      if (program.network) return { loaded: false, error: null };
      try {
        await prepare(loader, { hash, program, limits }, { capabilities: () => capabilitiesOf(program, "prepare") });
        return { loaded: true };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return { loaded: false, error: error.toJSON().error };
      }
    },

    async run({ hash, program, request, runId, call }) {
      try {
        const executed = await execute(
          loader,
          { hash, program, limits, request, runId, ...(call ? { call } : {}) },
          {
            ...(program.network ? { reuse: "fresh" } : {}),
            capabilities: () => capabilitiesOf(program, runId),
          },
        );
        return { response: executed.response, error: null, cold: !executed.warm };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return {
          response: null,
          error: error.toJSON().error,
          cold: error instanceof ProgramError ? !error.warm : null,
        };
      }
    },

    trace: (runId) => mailboxFor(env, runId).take(runId, LOG_WAIT_MS),
  };
});
