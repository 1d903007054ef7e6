import { type Context, Hono } from "hono";
import type { AppEnv } from "../app-env";
import { formatBytes, utf8Bytes } from "../base/bytes";
import { decodeOrFail } from "../base/decode";
import { ApiError, errorResponse } from "../base/errors";
import { Hash } from "../base/schemas";
import { MAX_PROMPT_BYTES, MAX_RUN_BODY_BYTES, responseLimits } from "../config/limits";
import { recordRun } from "../record/history";
import { limitBody } from "../request/body-limit";
import { rateLimit } from "../request/rate-limit";
import { programResponse } from "../respond/program-response";
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

    const sandbox = c.get("sandbox");
    const id = crypto.randomUUID();
    const at = new Date().toISOString();
    const started = performance.now();
    const result = await sandbox.run({ hash, program, request: programRequest(c, prompt), runId: id });
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    const { response, ended } = result.response
      ? programResponse(result.response, c.get("servedOn"), responseLimits(c.env))
      : { response: errorResponse(result.error), ended: Promise.resolve(null) };
    const visitor = recordsFor(c);
    if (visitor) {
      const run = { id, prompt, hash, status: response.status, durationMs, cold: result.cold, at };
      recordRun(c.env, c.executionCtx, sandbox, visitor, run, result.error, ended);
    }
    // Through the context, so headers set earlier in the chain (a new visitor's cookie) are kept.
    c.header("x-run-id", id);
    return c.newResponse(response.body, response);
  },
);

/**
 * Whose history the run goes in: the visitor's, unless another site sent the visitor here (a link
 * or a page on another site must not write to their history), or the run origin was asked (it has
 * no visitors).
 */
function recordsFor(c: Context<AppEnv>): string | null {
  if (c.get("servedOn") === "runs") return null;
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
