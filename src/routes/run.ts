import { type Context, Hono } from "hono";
import type { AppEnv } from "../app-env";
import { formatBytes, utf8Bytes } from "../base/bytes";
import { decodeOrFail } from "../base/decode";
import { ApiError, errorResponse } from "../base/errors";
import type { Program } from "../base/program";
import { Hash } from "../base/schemas";
import { MAX_PROMPT_BYTES, MAX_RUN_BODY_BYTES, responseLimits } from "../config/limits";
import { recordRun } from "../record/history";
import { callerOf } from "../request/auth-caller";
import { limitBody } from "../request/body-limit";
import { rateLimit } from "../request/rate-limit";
import { type BodyEnd, programResponse } from "../respond/program-response";
import type { ProgramCall } from "../sandbox/execute";
import type { RunResult, RunTrace } from "../sandbox/sandbox";
import { UNTRACED_RUN } from "../sandbox/telemetry/trace-sink";
import { loadProgram } from "../store/program-store";
import { RunQuery } from "../validate/schemas";

/** GET|POST /run/:hash?prompt=… (alias q): run a stored program in its own isolate. */
export const runRoutes = new Hono<AppEnv>().on(
  ["GET", "POST"],
  "/run/:hash",
  rateLimit("RUN_LIMITER"),
  limitBody(
    MAX_RUN_BODY_BYTES,
    "body_too_large",
    `The request body is larger than ${formatBytes(MAX_RUN_BODY_BYTES)}.`,
  ),
  async (c) => {
    const hash = decodeOrFail(Hash, c.req.param("hash"), "invalid_hash", "hash");
    const query = decodeOrFail(RunQuery, pick(c.req.query(), ["prompt", "q"]), "invalid_request", "query");
    const prompt = query.prompt ?? query.q ?? "";
    if (utf8Bytes(prompt) > MAX_PROMPT_BYTES) {
      throw new ApiError("prompt_too_large", `The prompt is larger than ${formatBytes(MAX_PROMPT_BYTES)}.`);
    }
    const program = await loadProgram(c.env, hash);
    if (!program) throw new ApiError("program_not_found", `No program is stored under ${hash}. Submit it first.`);
    const run = await runStored(c, { hash, program, prompt, request: programRequest(c, prompt) });
    // Through the context, so headers set earlier in the chain (a new visitor's cookie) are kept.
    c.header("x-run-id", run.id);
    return c.newResponse(run.response.body, run.response);
  },
);

/** One run of a stored program, as a route asks for it: what the program sees, and what history shows. */
export interface StoredRun {
  readonly hash: string;
  readonly program: Program;
  /** What the caller's history shows as the run's prompt (a call shows its export and arguments). */
  readonly prompt: string;
  readonly request: Request;
  readonly call?: ProgramCall;
  /** The route answers with the run's console (POST /api/execute, POST /call), so it is traced unrecorded too. */
  readonly reportsTrace?: boolean;
}

/** What a run came to: its id, our answer (the program's, hardened, or our error), and how its body ended. */
export interface RunDone {
  readonly id: string;
  readonly result: RunResult;
  readonly response: Response;
  readonly ended: Promise<BodyEnd>;
  readonly durationMs: number;
  /**
   * What the run printed and fetched. A sandbox hands each trace out once, so the history and a
   * route that answers with the console (POST /api/execute, POST /call) share this one.
   */
  readonly trace: () => Promise<RunTrace>;
}

/**
 * The one path of every run (GET|POST /run, POST /api/execute, POST /call, the MCP tools): run in the
 * sandbox, harden the program's answer within the response limits, and record it in the caller's
 * history once it has gone out.
 */
export async function runStored(c: Context<AppEnv>, stored: StoredRun): Promise<RunDone> {
  const { hash, program, prompt } = stored;
  const sandbox = c.get("sandbox");
  const visitor = recordsFor(c);
  // A run no history keeps and no answer reports: nothing of its trace is written (trace-sink.ts).
  const id = `${visitor || stored.reportsTrace ? "" : UNTRACED_RUN}${crypto.randomUUID()}`;
  const at = new Date().toISOString();
  const started = performance.now();
  const answered = Promise.withResolvers<void>();
  const result = await sandbox.run({
    hash,
    program,
    request: stored.request,
    runId: id,
    ...(stored.call ? { call: stored.call } : {}),
    lifetime: { waitUntil: (work) => c.executionCtx.waitUntil(work), answered: answered.promise },
  });
  const durationMs = Math.round((performance.now() - started) * 100) / 100;
  const { response, ended } = result.response
    ? await programResponse(result.response, c.get("servedOn"), responseLimits(c.env))
    : { response: errorResponse(result.error), ended: Promise.resolve(null) };
  const answeredNow = () => answered.resolve();
  ended.then(answeredNow, answeredNow);
  let traced: Promise<RunTrace> | undefined;
  const trace = () => {
    traced ??= sandbox.trace(id);
    return traced;
  };
  if (visitor) {
    const run = { id, prompt, hash, status: response.status, durationMs, cold: result.cold, at };
    recordRun(c.env, c.executionCtx, { trace }, visitor, run, result.error, ended);
  }
  return { id, result, response, ended, durationMs, trace };
}

/**
 * Whose history the run goes in: a token's owner's; or the visitor's, unless another site sent the
 * visitor here (a link or a page on another site must not write to their history), or the caller
 * sent no visitor cookie (nobody holds the id just made for it, so nobody could read that history:
 * nothing is written), or the run origin was asked (it has no visitors).
 */
function recordsFor(c: Context<AppEnv>): string | null {
  if (c.get("servedOn") === "runs") return null;
  const caller = callerOf(c);
  if (caller.kind === "token") return caller.owner;
  if (!caller.known) return null;
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin" && site !== "none") return null;
  return c.get("visitorId");
}

function pick(query: Record<string, string>, keys: readonly string[]) {
  return Object.fromEntries(keys.filter((key) => key in query).map((key) => [key, query[key]]));
}

/**
 * The request the program sees: the prompt as ?q= and ?prompt=, the caller's other query
 * parameters, and for POST the body and its content type. Nothing else of the caller's (cookies,
 * addresses, headers) crosses into the isolate.
 */
function programRequest(c: Context<AppEnv>, prompt: string): Request {
  const url = new URL("http://sandbox/");
  url.search = new URL(c.req.url).search;
  url.searchParams.set("q", prompt);
  url.searchParams.set("prompt", prompt);
  if (c.req.method !== "POST") return new Request(url);
  const headers = new Headers();
  const type = c.req.header("content-type");
  if (type) headers.set("content-type", type);
  return new Request(url, { method: "POST", headers, body: c.req.raw.body });
}
