import { Schema } from "effect";
import { decodeOrFail } from "../base/decode";
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from "../base/errors";
import { oncePerEnv } from "../base/once-per-env";
import type { Program } from "../base/program";
import { LOG_WAIT_MS, runLimits } from "../config/limits";
import type { KeepAlive, RunTrace, Sandbox } from "../sandbox/sandbox";
import { PREPARE_RUN } from "../sandbox/telemetry/run-marker";
import { traceHandoff } from "../sandbox/telemetry/trace-handoff";
import { isUntraced } from "../sandbox/telemetry/trace-sink";
import { type DirectRoute, directRoutes } from "./direct-routes";
import { type Envelope, encodeRun } from "./envelope";
import { localVars } from "./local-vars";
import {
  AHEAD_HEADER,
  EXECUTE_PATH,
  FAILED_ON_HEADER,
  INTERNAL_SECRET_HEADER,
  LOGS_PATH,
  OUTCOME_HEADER,
  PREPARE_PATH,
  PROGRAM_HEADER,
  RUN_HEADER,
  type RunReport,
  VERDICT_PATH,
  WANT_LANES_HEADER,
  WARM_HEADER,
} from "./protocol";
import { reportRun } from "./run-reports";

/** Our own JSON error, as the local sandbox runtime or its supervisor answers it. */
const SandboxError = Schema.Struct({
  error: Schema.StructWithRest(
    Schema.Struct({
      code: Schema.Literals(Object.keys(ERROR_STATUS) as ErrorCode[]),
      message: Schema.String,
    }),
    [Schema.Record(Schema.String, Schema.Unknown)],
  ),
});

/** The sandbox under `bun dev`, and what only it does. */
export interface LocalSandbox extends Sandbox {
  /**
   * Loads a program that has earned a new lane (trusted, or heavy) there, ahead of its first run
   * there, which would otherwise wait for it (./lane-inbox.ts); the supervisor declines any other.
   */
  loadAhead(hash: string, program: Program): Promise<void>;
}

/**
 * The sandbox under `bun dev`: programs run in a separate workerd process (src/local/sandbox-host)
 * that the dev supervisor replaces when a program wedges or exhausts it, so the app (store, history,
 * page) never goes down with it. Runs travel to it over loopback HTTP (./envelope.ts).
 */
export const localSandbox = oncePerEnv((env: Env): LocalSandbox => {
  const { SANDBOX_URL, INTERNAL_SECRET } = localVars(env);
  const limits = runLimits(env);
  const at = (path: string) => new URL(path, SANDBOX_URL);
  // A program's 3xx is its answer: no hop of ours follows it (a 307 would run the program again).
  // The supervisor and its runtimes answer only requests with the line's secret.
  const call = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    headers.set(INTERNAL_SECRET_HEADER, INTERNAL_SECRET);
    return fetch(at(path), { ...init, headers, redirect: "manual" });
  };
  /**
   * A run (or a submit's load) sent straight to its lane's runtime (./direct-routes.ts), reported to
   * the supervisor as it starts and once its answer has gone out (`answered`). If the runtime is not
   * there to answer it, it goes through the supervisor, saying where it went: the supervisor answers
   * the limit that ended the runtime if it is to blame, or sends it again (`straight` is then false).
   */
  const sendDirect = async (
    path: typeof EXECUTE_PATH | typeof PREPARE_PATH,
    direct: DirectRoute,
    { hash, runId, answered, waitUntil }: { hash: string; runId: string; answered: Promise<unknown> } & KeepAlive,
    { headers: parts, body }: Envelope,
  ): Promise<{ answer: Response; straight: boolean }> => {
    const headers = { ...parts, [PROGRAM_HEADER]: hash, [RUN_HEADER]: runId };
    const sentAt = Date.now();
    const report = (what: RunReport) => waitUntil(reportRun(SANDBOX_URL, INTERNAL_SECRET, what).catch(() => undefined));
    report({
      kind: "started",
      runId,
      hash,
      port: direct.port,
      at: sentAt,
      ...(path === PREPARE_PATH ? { prepare: true } : {}),
    });
    const throughSupervisor = async () => ({
      answer: await call(path, {
        method: "POST",
        body,
        headers: { ...headers, [FAILED_ON_HEADER]: String(direct.port), [WANT_LANES_HEADER]: "1" },
      }),
      straight: false,
    });
    let answer: Response;
    try {
      answer = await fetch(new URL(path, direct.url), {
        method: "POST",
        body,
        headers: { ...headers, [INTERNAL_SECRET_HEADER]: INTERNAL_SECRET },
        redirect: "manual",
      });
    } catch {
      directRoutes.forget(direct.url);
      return throughSupervisor();
    }
    if (!answer.headers.has(OUTCOME_HEADER)) {
      // Not our runtime's answer (its port went to another process): nothing ran there.
      directRoutes.forget(direct.url);
      await answer.body?.cancel();
      return throughSupervisor();
    }
    waitUntil(
      answered.then(() => {
        const at = Date.now();
        report({ kind: "answered", runId, at, wallMs: at - sentAt });
      }),
    );
    return { answer, straight: true };
  };

  const loadEnvelope = (hash: string, program: Program) =>
    encodeRun({ hash, program, limits, request: new Request("http://sandbox/"), runId: PREPARE_RUN });
  /** A program's load through the supervisor, which sends it to the program's lane. */
  const loadThroughSupervisor = (hash: string, { headers, body }: Envelope, more: Record<string, string>) =>
    call(PREPARE_PATH, { method: "POST", body, headers: { ...headers, [PROGRAM_HEADER]: hash, ...more } });

  return {
    canRun: true,

    async prepare(hash, program, keepAlive) {
      if (program.network) return { loaded: false, error: null };
      const envelope = await loadEnvelope(hash, program);
      const direct = keepAlive ? directRoutes.to(hash) : undefined;
      // The supervisor follows a load by an id of its own: every load's run id is PREPARE_RUN.
      const load = { hash, runId: `${PREPARE_RUN}-${crypto.randomUUID()}`, answered: Promise.resolve() };
      const sent =
        direct && keepAlive ? await sendDirect(PREPARE_PATH, direct, { ...load, ...keepAlive }, envelope) : undefined;
      const answer =
        sent?.answer ??
        (await loadThroughSupervisor(hash, envelope, directRoutes.known ? {} : { [WANT_LANES_HEADER]: "1" }));
      // The runtime loads only a budget of programs ahead; past it, the first run loads the program.
      if (answer.ok) return answer.headers.get(WARM_HEADER) === "1" ? { loaded: true } : { loaded: false, error: null };
      return { loaded: false, error: await errorOf(answer) };
    },

    async loadAhead(hash, program) {
      // A program with network gets a fresh isolate per run: nothing to keep.
      if (program.network) return;
      const answer = await loadThroughSupervisor(hash, await loadEnvelope(hash, program), { [AHEAD_HEADER]: "1" });
      await answer.body?.cancel();
    },

    async run(run) {
      if (!isUntraced(run.runId)) traceHandoff.expect(run.runId);
      const envelope = await encodeRun({ ...run, limits });
      const ids = { ...envelope.headers, [PROGRAM_HEADER]: run.hash, [RUN_HEADER]: run.runId };
      const { lifetime } = run;
      const direct = lifetime ? directRoutes.to(run.hash) : undefined;
      const sent =
        direct && lifetime ? await sendDirect(EXECUTE_PATH, direct, { ...run, ...lifetime }, envelope) : undefined;
      const verdict = sent?.straight && direct ? () => call(`${VERDICT_PATH}${direct.port}`) : undefined;
      // No table yet, the lane has no runtime, or the supervisor keeps the program's runs: through it.
      const answer =
        sent?.answer ??
        (await call(EXECUTE_PATH, {
          method: "POST",
          body: envelope.body,
          headers: { ...ids, ...(directRoutes.known ? {} : { [WANT_LANES_HEADER]: "1" }) },
        }));
      const outcome = answer.headers.get(OUTCOME_HEADER);
      if (outcome !== "ok" && outcome !== "error") {
        throw new Error(`the local sandbox runtime answered ${answer.status} without an outcome`);
      }
      const warm = answer.headers.get(WARM_HEADER);
      const cold = warm === null ? null : warm !== "1";
      if (outcome === "error") {
        // The runtime may have run out of memory as it answered: the error is then that limit.
        const limit = verdict ? await verdict() : undefined;
        if (limit && limit.status !== 204) {
          await answer.body?.cancel();
          return { response: null, error: await errorOf(limit), cold };
        }
        await limit?.body?.cancel();
        return { response: null, error: await errorOf(answer), cold };
      }
      const headers = new Headers(answer.headers);
      headers.delete(OUTCOME_HEADER);
      headers.delete(WARM_HEADER);
      const response = new Response(answer.body, { status: answer.status, headers });
      return { response, error: null, cold: cold ?? true };
    },

    async trace(runId) {
      // Traces come back in batches (./trace-inbox.ts). One that did not come in time is asked of
      // the supervisor, which answers once it knows: the trace came, or the run's runtime ended
      // (for a limit its ctx.waitUntil passed, say: that error is the trace's).
      const pushed = await traceHandoff.take(runId, LOG_WAIT_MS);
      if (pushed) return pushed;
      const response = await call(`${LOGS_PATH}${encodeURIComponent(runId)}`);
      if (response.ok) return (await response.json()) as RunTrace;
      // The supervisor ended the run's runtime for a limit after the run had answered.
      return { console: null, egress: [], error: await errorOf(response) };
    },
  };
});

async function errorOf(answer: Response): Promise<ErrorBody> {
  return decodeOrFail(SandboxError, await answer.json(), "internal_error", "sandbox answer").error;
}
