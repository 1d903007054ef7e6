import { Schema } from "effect";
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import { decodeOrFail } from "../base/decode";
import { ApiError } from "../base/errors";
import { historyOf } from "../record/history";
import { rateLimit } from "../request/rate-limit";
import { loadProgram } from "../store/program-store";
import { CallToolInput, ExecuteRequest, GetProgramInput, RecentRunsInput, RunToolInput } from "../validate/agent";
import { SubmitRequest } from "../validate/schemas";
import { callExport } from "./call";
import { checkRunInput, executeProgram, runForAnswer } from "./execute";
import { programApi } from "./mcp-program-api";
import { programAnswer } from "./programs";
import { submitProgram } from "./submit";

/**
 * How much text one tool result may carry, so a result fits a model's context beside the rest of
 * the conversation. Past it the result is cut and says so (`truncated` in the JSON, and a note).
 */
export const MCP_MAX_RESULT_CHARS = 16_000;
/** How much of a run's answer body a tool result keeps, before the whole result is capped. */
const MCP_MAX_OUTPUT_BYTES = 8 * 1024;

/** What a tool answers: JSON text, and isError when the program (or its input) failed. */
export interface ToolResult {
  readonly content: { type: "text"; text: string }[];
  readonly isError?: boolean;
  [key: string]: unknown;
}

interface Tool {
  readonly name: string;
  readonly description: (env: Env) => string;
  readonly input: Schema.Top;
  readonly limits: readonly ("SUBMIT_LIMITER" | "RUN_LIMITER")[];
  /** The answer, and whether it is an error (a run that failed answers its JSON with isError). */
  readonly handle: (c: Context<AppEnv>, input: never) => Promise<{ value: unknown; isError: boolean }>;
}

const tool = <S extends Schema.Top>(
  definition: Omit<Tool, "input" | "handle"> & {
    input: S;
    handle: (c: Context<AppEnv>, input: S["Type"]) => Promise<{ value: unknown; isError: boolean }>;
  },
): Tool => definition as unknown as Tool;

const ran = ({ answer }: { answer: { error?: unknown } }) => ({ value: answer, isError: answer.error !== undefined });

/** The tools, in the order a client lists them. */
export const TOOLS: readonly Tool[] = [
  tool({
    name: "execute",
    description: (env) =>
      `Submit a program and run it once, in one call: its hash, status, outcome, result (a snippet's value) or body (a module's answer, cut at ${MCP_MAX_OUTPUT_BYTES / 1024} KiB and marked truncated), console, error (with your file, line and column), durationMs and cold. The program is stored under its content hash, so run and call can use it again.\n\nWhat a program gets:\n${programApi(env)}`,
    input: ExecuteRequest,
    limits: ["SUBMIT_LIMITER", "RUN_LIMITER"],
    handle: async (c, input) => ran(await executeProgram(c, input, MCP_MAX_OUTPUT_BYTES)),
  }),
  tool({
    name: "submit",
    description: (env) =>
      `Store a program without running it: answers its hash (SHA-256 of the program), mode, and whether it loads (loadError says why not). Build errors (compile_error, import_not_found …) come back with your file, line and column.\n\nWhat a program gets:\n${programApi(env)}`,
    input: SubmitRequest,
    limits: ["SUBMIT_LIMITER"],
    handle: async (c, input) => ({ value: (await submitProgram(c, input)).answer, isError: false }),
  }),
  tool({
    name: "run",
    description: () =>
      `Run a stored program once with a prompt (and, for a module, a request body): answers as execute does. Get a hash from submit or execute.`,
    input: RunToolInput,
    limits: ["RUN_LIMITER"],
    handle: async (c, input) => {
      checkRunInput(input.prompt, input.body);
      const program = await loadProgram(c.env, input.hash);
      if (!program)
        throw new ApiError("program_not_found", `No program is stored under ${input.hash}. Submit it first.`);
      return ran(await runForAnswer(c, input.hash, program, input.prompt ?? "", input.body, MCP_MAX_OUTPUT_BYTES));
    },
  }),
  tool({
    name: "call",
    description: () =>
      `Call one export of a stored module with JSON arguments: a function export ("add"), a method of an exported WorkerEntrypoint class ("Calc.mul"), or a method of a default-exported WorkerEntrypoint ("mul"). Answers { result, console, status, outcome, error?, durationMs, cold }. get_program lists a module's callable exports.`,
    input: CallToolInput,
    limits: ["RUN_LIMITER"],
    handle: async (c, input) => ran(await callExport(c, input.hash, input.export, input.args ?? [])),
  }),
  tool({
    name: "get_program",
    description: () =>
      "A stored program: its source (code, or files and main), mode, network, and the exports call can reach.",
    input: GetProgramInput,
    limits: [],
    handle: async (c, input) => ({ value: await programAnswer(c.env, input.hash), isError: false }),
  }),
  tool({
    name: "recent_runs",
    description: () =>
      "Your most recent runs (the history of this token's owner, or this client's), newest first: id, prompt, hash, status, outcome, durationMs, cold, at.",
    input: RecentRunsInput,
    limits: [],
    handle: async (c, input) => {
      const entries = await historyOf(c.env, c.get("visitorId")).list();
      return { value: { entries: entries.slice(0, input.limit ?? 10) }, isError: false };
    },
  }),
];

/** A tool's input as JSON Schema, generated from its Effect schema (unknown fields refused, as the API does). */
export function inputSchemaOf(input: Schema.Top): { type: "object"; [key: string]: unknown } {
  const document = Schema.toJsonSchemaDocument(input, { onExcessProperty: "error" });
  const definitions = Object.keys(document.definitions).length ? { $defs: document.definitions } : {};
  return { ...(document.schema as object), ...definitions, type: "object" };
}

/**
 * Runs one tool call. Every failure of ours or the program's (bad input, a build error, a throw, a
 * limit) is a tool result with isError, which the model can read and act on; only a call of a tool
 * that does not exist is the protocol's error.
 */
export async function callTool(c: Context<AppEnv>, name: string, args: unknown): Promise<ToolResult | null> {
  const found = TOOLS.find((candidate) => candidate.name === name);
  if (!found) return null;
  try {
    // Decoded with the JSON codec the inputSchema describes: a field it says may be null may be null.
    const codec = Schema.toCodecJson(found.input) as unknown as Schema.Codec<unknown>;
    const input = decodeOrFail(codec, args ?? {}, "invalid_request", `${name} input`);
    for (const binding of found.limits) await withinRateLimit(c, binding);
    const { value, isError } = await found.handle(c, input as never);
    return { content: [{ type: "text", text: sized(value) }], ...(isError ? { isError: true } : {}) };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    return { content: [{ type: "text", text: sized(error.toJSON()) }], isError: true };
  }
}

/** The route's own rate-limit middleware, asked once per tool call (a token's budget, or the address's). */
async function withinRateLimit(c: Context<AppEnv>, binding: "SUBMIT_LIMITER" | "RUN_LIMITER"): Promise<void> {
  // The middleware is typed for the request stage's narrower env; the app's context holds all of it.
  const middleware = rateLimit(binding) as unknown as MiddlewareHandler<AppEnv>;
  const refused = await middleware(c, async () => {});
  if (refused instanceof Response) {
    const { error } = (await refused.json()) as { error: { message: string } };
    throw new ApiError("rate_limited", error.message);
  }
}

/** JSON text within MCP_MAX_RESULT_CHARS: past it, the text is cut and ends saying so. */
export function sized(value: unknown): string {
  const text = JSON.stringify(value, null, 1);
  if (text.length <= MCP_MAX_RESULT_CHARS) return text;
  const note = `\n… [truncated: ${text.length} characters in all, ${MCP_MAX_RESULT_CHARS} shown]`;
  return text.slice(0, MCP_MAX_RESULT_CHARS - note.length) + note;
}
