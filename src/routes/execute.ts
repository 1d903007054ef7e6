import { type Context, Hono } from "hono";
import type { AppEnv } from "../app-env";
import type { ExecuteAnswer } from "../base/answers";
import { formatBytes, utf8Bytes } from "../base/bytes";
import { decodeOrFail } from "../base/decode";
import { ApiError } from "../base/errors";
import type { Program } from "../base/program";
import { MAX_PROMPT_BYTES, MAX_RUN_BODY_BYTES, MAX_SUBMIT_BODY_BYTES } from "../config/limits";
import { limitBody } from "../request/body-limit";
import { readJsonBody } from "../request/json-body";
import { rateLimit } from "../request/rate-limit";
import { ExecuteRequest } from "../validate/agent";
import { runStored } from "./run";
import { summarizeRun } from "./run-answer";
import { submitProgram } from "./submit";

/** How much of a run's answer an execute gives back: past it, the text is cut and `truncated: true`. */
export const EXECUTE_MAX_OUTPUT_BYTES = 64 * 1024;

/**
 * POST /api/execute: submit and run in one call, answered as JSON. The submit and the run are those of
 * POST /submit and GET|POST /run (the same hash, store, limits and history), so it counts against both
 * rate limits.
 */
export const executeRoutes = new Hono<AppEnv>().post(
  "/api/execute",
  rateLimit("SUBMIT_LIMITER"),
  rateLimit("RUN_LIMITER"),
  limitBody(
    MAX_SUBMIT_BODY_BYTES + MAX_RUN_BODY_BYTES,
    "body_too_large",
    `The request body is larger than ${formatBytes(MAX_SUBMIT_BODY_BYTES + MAX_RUN_BODY_BYTES)}.`,
  ),
  async (c) => {
    const { httpStatus, answer } = await executeProgram(c, decodeOrFail(ExecuteRequest, await readJsonBody(c)));
    c.header("x-run-id", answer.runId);
    return c.json(answer, httpStatus as 200);
  },
);

/** The one-call path (POST /api/execute, the MCP tool execute): submit, then run. */
export async function executeProgram(
  c: Context<AppEnv>,
  body: ExecuteRequest,
  maxBytes = EXECUTE_MAX_OUTPUT_BYTES,
): Promise<{ httpStatus: number; answer: ExecuteAnswer }> {
  const { prompt, input, ...source } = body;
  checkRunInput(prompt, input);
  const { answer, program } = await submitProgram(c, source);
  return runForAnswer(c, answer.hash, program, prompt ?? "", input, maxBytes);
}

/** Refused before anything is stored or run: the same limits as GET|POST /run. */
export function checkRunInput(prompt: string | undefined, input: unknown): void {
  if (prompt !== undefined && utf8Bytes(prompt) > MAX_PROMPT_BYTES) {
    throw new ApiError("prompt_too_large", `The prompt is larger than ${formatBytes(MAX_PROMPT_BYTES)}.`);
  }
  if (input !== undefined && utf8Bytes(inputText(input)) > MAX_RUN_BODY_BYTES) {
    throw new ApiError("body_too_large", `The input is larger than ${formatBytes(MAX_RUN_BODY_BYTES)}.`);
  }
}

/** Runs a stored program with a prompt (and a module's input) and answers as POST /api/execute does. */
export async function runForAnswer(
  c: Context<AppEnv>,
  hash: string,
  program: Program,
  prompt: string,
  input: unknown,
  maxBytes = EXECUTE_MAX_OUTPUT_BYTES,
): Promise<{ httpStatus: number; answer: ExecuteAnswer }> {
  const request = programRequest(prompt, input);
  const run = await runStored(c, { hash, program, prompt, request, reportsTrace: true });
  const { output, httpStatus, ...summary } = await summarizeRun(run, maxBytes);
  const answer: ExecuteAnswer = {
    hash,
    mode: program.mode,
    ...summary,
    ...(output ? outputFields(program, output) : {}),
  };
  return { httpStatus, answer };
}

/**
 * A snippet's value is given as `result` (JSON); a module's answer, or a snippet's value too large to
 * give whole, as `body` text.
 */
function outputFields(
  program: Program,
  output: { text: string; truncated: boolean; contentType: string | null },
): Partial<ExecuteAnswer> {
  const marked = output.truncated ? { truncated: true } : {};
  if (program.mode === "snippet" && !output.truncated && /^application\/json/i.test(output.contentType ?? "")) {
    try {
      return { result: JSON.parse(output.text) as ExecuteAnswer["result"] };
    } catch {
      // A snippet's own Response that only claims to be JSON: its text, as a module's.
    }
  }
  return { body: output.text, contentType: output.contentType, ...marked };
}

function inputText(input: unknown): string {
  return typeof input === "string" ? input : JSON.stringify(input);
}

/** What the program sees: the prompt as ?q= and ?prompt=, and the input as a POST body when there is one. */
function programRequest(prompt: string, input: unknown): Request {
  const url = new URL("http://sandbox/");
  url.searchParams.set("q", prompt);
  url.searchParams.set("prompt", prompt);
  if (input === undefined) return new Request(url);
  const type = typeof input === "string" ? "text/plain; charset=utf-8" : "application/json";
  return new Request(url, { method: "POST", headers: { "content-type": type }, body: inputText(input) });
}
