import { type Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../app-env";
import type { CallAnswer } from "../base/answers";
import { formatBytes } from "../base/bytes";
import { decodeOrFail } from "../base/decode";
import { ApiError } from "../base/errors";
import { Hash } from "../base/schemas";
import { MAX_RUN_BODY_BYTES, responseLimits } from "../config/limits";
import { limitBody } from "../request/body-limit";
import { readJsonBody } from "../request/json-body";
import { rateLimit } from "../request/rate-limit";
import { callableExports, exportNames } from "../sandbox/exports";
import { loadProgram } from "../store/program-store";
import { CallArgs, CallName, UNCALLABLE_NAMES } from "../validate/agent";
import { runStored } from "./run";
import { summarizeRun } from "./run-answer";

/** How much of a call's prompt, as its history entry shows it (`add([1,2])`), is kept. */
const HISTORY_PROMPT_CHARS = 200;

/**
 * POST /call/:hash/:name with a JSON array of arguments: calls one export of a stored module in its
 * isolate, through the runner's RPC entrypoint, with the limits, console capture and history of a run.
 */
export const callRoutes = new Hono<AppEnv>().post(
  "/call/:hash/:name",
  rateLimit("RUN_LIMITER"),
  limitBody(MAX_RUN_BODY_BYTES, "body_too_large", `The arguments are larger than ${formatBytes(MAX_RUN_BODY_BYTES)}.`),
  async (c) => {
    const hash = decodeOrFail(Hash, c.req.param("hash"), "invalid_hash", "hash");
    const name = c.req.param("name");
    const args = await argsOf(c);
    const { httpStatus, answer } = await callExport(c, hash, name, args);
    c.header("x-run-id", answer.runId);
    return c.json(answer, httpStatus as ContentfulStatusCode);
  },
);

/** The body: a JSON array (no body at all is no arguments). Anything else is refused before a run. */
async function argsOf(c: Context<AppEnv>): Promise<readonly unknown[]> {
  if (!c.req.header("content-type") && (c.req.header("content-length") ?? "0") === "0") return [];
  return decodeOrFail(CallArgs, await readJsonBody(c), "invalid_args", "arguments (a JSON array)");
}

/**
 * The one path of a call (POST /call, the MCP tool call): the name checked against the module's
 * exports, then run. A name that is no callable export answers 404 without running anything; the
 * runner checks again inside the isolate, where the module itself is the authority.
 */
export async function callExport(
  c: Context<AppEnv>,
  hash: string,
  rawName: string,
  args: readonly unknown[],
): Promise<{ httpStatus: number; answer: CallAnswer }> {
  const name = decodeOrFail(CallName, rawName, "export_not_found", "export name");
  if (name.split(".").some((part) => UNCALLABLE_NAMES.has(part))) {
    throw new ApiError("export_not_found", `${name} is not an export a call can reach.`);
  }
  const program = await loadProgram(c.env, hash);
  if (!program) throw new ApiError("program_not_found", `No program is stored under ${hash}. Submit it first.`);
  if (program.mode !== "module") {
    throw new ApiError("export_not_found", "A snippet has no exports to call: submit a module that exports functions.");
  }
  const names = await exportNames(program);
  const head = name.includes(".") ? (name.split(".")[0] ?? name) : name;
  if (names && !names.includes(head) && !(head === name && names.includes("default"))) {
    const exports = (await callableExports(program)).map((entry) => entry.name);
    throw new ApiError("export_not_found", `The module has no callable export ${name}.`, { exports });
  }
  const argsJson = JSON.stringify(args);
  const run = await runStored(c, {
    hash,
    program,
    prompt: `${name}(${argsJson.slice(1, -1)})`.slice(0, HISTORY_PROMPT_CHARS),
    request: new Request("http://sandbox/"),
    call: { name, args: argsJson },
    reportsTrace: true,
  });
  // One byte past the response limit: the answer's own cap (the run's limit_exceeded) comes first.
  const { output, httpStatus, ...summary } = await summarizeRun(run, responseLimits(c.env).maxBytes + 1);
  const answer: CallAnswer = {
    hash,
    name,
    ...summary,
    ...(output ? { result: JSON.parse(output.text) as CallAnswer["result"] } : {}),
  };
  return { httpStatus, answer };
}
