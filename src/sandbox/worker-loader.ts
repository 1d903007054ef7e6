import { ApiError } from "../base/errors";
import { oncePerEnv } from "../base/once-per-env";
import { LOG_WAIT_MS, runLimits } from "../config/limits";
import { capabilitiesOf } from "./capabilities/capabilities-of";
import { execute, ProgramError, prepare } from "./execute";
import type { RunTrace, Sandbox } from "./sandbox";
import { mailboxFor } from "./telemetry/run-logs";
import { PREPARE_RUN } from "./telemetry/run-marker";
import { traceHandoff } from "./telemetry/trace-handoff";
import { isUntraced } from "./telemetry/trace-sink";

/** After waiting in vain here, how long the mailbox is given: the console has had LOG_WAIT_MS to get there. */
const MAILBOX_AFTER_WAIT_MS = 250;

/**
 * The production sandbox: this worker's own Worker Loader binding, with our RunTail watching each
 * program's console, handed over in memory when the tail runs in this isolate
 * (./telemetry/trace-handoff.ts) and held in the run-log mailbox when it does not. Under wrangler.prod.jsonc
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
        await prepare(
          loader,
          { hash, program, limits },
          { capabilities: (tailed) => capabilitiesOf(program, PREPARE_RUN, tailed) },
        );
        return { loaded: true };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return { loaded: false, error: error.toJSON().error };
      }
    },

    async run({ hash, program, request, runId, call }) {
      // A run nobody traces needs no tail; a program with network is traced in the mailbox only
      // (its egress gateway writes there).
      const tailed = !isUntraced(runId);
      if (tailed && !program.network) traceHandoff.expect(runId);
      try {
        const executed = await execute(
          loader,
          { hash, program, limits, request, runId, ...(call ? { call } : {}) },
          {
            ...(program.network ? { reuse: "fresh" } : {}),
            tailed,
            capabilities: (withTail) => capabilitiesOf(program, runId, withTail),
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

    async trace(runId) {
      const here = await traceHandoff.take(runId, LOG_WAIT_MS);
      if (here) return here;
      // Not expected here (a program with network: its egress is in the mailbox), or the tail ran in
      // another isolate and left it in the mailbox.
      const trace: RunTrace = await mailboxFor(env, runId).take(
        runId,
        here === null ? MAILBOX_AFTER_WAIT_MS : LOG_WAIT_MS,
      );
      if (here === null && trace.console) traceHandoff.landedElsewhere();
      return trace;
    },
  };
});
