#!/usr/bin/env node
// The command-line client of Promptlog's API (the package's `bin`). It runs with the Node 24 of the
// devDependencies, which strips the types: `node scripts/cli/promptlog.ts exec hello.ts`.
import { readFileSync } from "node:fs";
import { extname, normalize, sep } from "node:path";
import { parseArgs } from "node:util";
import type { CallAnswer, ExecuteAnswer, SubmitAnswer } from "../../src/base/answers.ts";
import { BUILD_FAILURES } from "../../src/base/errors.ts";

const USAGE = `Usage: promptlog <command> [options]

  exec FILE…              submit and run a program (one file, or several: the first is main)
  submit FILE…            store a program; prints its hash
  run HASH                run a stored program; prints its answer
  call HASH NAME [ARG…]   call an export; each ARG is JSON (1, "a", [1,2]), or taken as a string

Options:
  --prompt TEXT    the prompt (exec, run)
  --input JSON     a module's request body: JSON, or @file to send a file's text (exec, run)
  --mode MODE      module or snippet (exec, submit; detected when left out)
  --network        opt in to the operator's egress policy (exec, submit)
  --url URL        the server (default $PROMPTLOG_URL, else http://localhost:8787)
  --token TOKEN    an API token, sent as Authorization: Bearer (default $PROMPTLOG_TOKEN)
  --json           print the whole JSON answer
  -h, --help       this text

Exit status: 0 ok, 1 the program failed (build error, throw, limit), 2 usage or transport error.`;

/** The error codes that are the program's own failing (exit 1); every other error is ours or the caller's (exit 2). */
const PROGRAM_ERRORS = new Set<string>([
  ...BUILD_FAILURES,
  "load_error",
  "program_exception",
  "no_response",
  "limit_exceeded",
  "run_timeout",
  "result_not_json",
]);

class Exit extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

interface Options {
  prompt?: string;
  input?: string;
  mode?: string;
  network?: boolean;
  url?: string;
  token?: string;
  json?: boolean;
  help?: boolean;
}

interface ErrorJson {
  code: string;
  message: string;
  location?: { file?: string; line: number; column: number };
}

function parse(argv: string[]): { command: string | undefined; rest: string[]; options: Options } {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        prompt: { type: "string" },
        input: { type: "string" },
        mode: { type: "string" },
        network: { type: "boolean" },
        url: { type: "string" },
        token: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    const [command, ...rest] = positionals;
    return { command, rest, options: values };
  } catch (error) {
    throw new Exit(2, `${(error as Error).message}\n\n${USAGE}`);
  }
}

/** One file as code, several as files (the first is main), under the paths given. */
function programOf(paths: string[], options: Options): Record<string, unknown> {
  if (paths.length === 0) throw new Exit(2, `Name at least one file.\n\n${USAGE}`);
  const read = (path: string) => {
    try {
      return readFileSync(path, "utf8");
    } catch (error) {
      throw new Exit(2, `Cannot read ${path}: ${(error as Error).message}`);
    }
  };
  if (options.mode !== undefined && options.mode !== "module" && options.mode !== "snippet") {
    throw new Exit(2, `--mode is module or snippet, not ${options.mode}.`);
  }
  const extra = {
    ...(options.mode ? { mode: options.mode } : {}),
    ...(options.network ? { network: true } : {}),
  };
  const [first = ""] = paths;
  if (paths.length === 1) {
    const typescript = [".ts", ".tsx", ".mts"].includes(extname(first));
    return { code: read(first), ...(typescript ? { language: "ts" } : {}), ...extra };
  }
  const name = (path: string) => normalize(path).split(sep).join("/").replace(/^\.\//, "");
  const files = Object.fromEntries(paths.map((path) => [name(path), read(path)]));
  return { files, main: name(first), ...(options.network ? { network: true } : {}) };
}

function inputOf(options: Options): { input?: unknown } {
  if (options.input === undefined) return {};
  if (options.input.startsWith("@")) return { input: readFileSync(options.input.slice(1), "utf8") };
  try {
    return { input: JSON.parse(options.input) };
  } catch {
    return { input: options.input };
  }
}

/** The arguments of a call: each one JSON when it parses, else the string as written. */
function argsOf(values: string[]): unknown[] {
  return values.map((value) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  });
}

async function request(
  options: Options,
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; text: string; json: unknown }> {
  const base = options.url ?? process.env.PROMPTLOG_URL ?? "http://localhost:8787";
  const token = options.token ?? process.env.PROMPTLOG_TOKEN;
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(new URL(path, base), {
      method: init.method ?? (init.body === undefined ? "GET" : "POST"),
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      redirect: "manual",
    });
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message;
    throw new Exit(2, `Cannot reach ${base}: ${cause ?? (error as Error).message}`);
  }
  const text = await response.text();
  let json: unknown = null;
  if (/^application\/json/i.test(response.headers.get("content-type") ?? "")) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  return { status: response.status, text, json };
}

function errorOf(json: unknown): ErrorJson | null {
  const error = (json as { error?: unknown } | null)?.error;
  return error && typeof error === "object" && typeof (error as ErrorJson).code === "string"
    ? (error as ErrorJson)
    : null;
}

function describe(error: ErrorJson): string {
  const at = error.location
    ? ` (${error.location.file ?? "line"}:${error.location.line}:${error.location.column})`
    : "";
  return `${error.code}: ${error.message}${at}`;
}

/** Exits 1 for the program's own failure, 2 for any other error; returns when there is none. */
function failOn(error: ErrorJson | null, status: number): void {
  if (!error) {
    if (status >= 400) throw new Exit(2, `The server answered ${status}.`);
    return;
  }
  throw new Exit(PROGRAM_ERRORS.has(error.code) ? 1 : 2, describe(error));
}

function printConsole(answer: { console?: ExecuteAnswer["console"] }): void {
  for (const entry of answer.console?.logs ?? []) process.stderr.write(`[${entry.level}] ${entry.message}\n`);
}

function printValue(value: unknown): void {
  process.stdout.write(`${typeof value === "string" ? value : JSON.stringify(value, null, 2)}\n`);
}

async function exec(paths: string[], options: Options): Promise<void> {
  const body = {
    ...programOf(paths, options),
    ...(options.prompt ? { prompt: options.prompt } : {}),
    ...inputOf(options),
  };
  const { status, json } = await request(options, "/api/execute", { body });
  const answer = json as ExecuteAnswer | null;
  if (options.json && json) printValue(json);
  if (!answer || !("runId" in answer)) return failOn(errorOf(json), status);
  if (!options.json) {
    printConsole(answer);
    if (answer.result !== undefined) printValue(answer.result);
    else if (answer.body !== undefined) process.stdout.write(answer.body);
    if (answer.truncated) process.stderr.write("\n[output truncated]\n");
  }
  failOn(answer.error ? (answer.error as ErrorJson) : null, status);
}

async function submit(paths: string[], options: Options): Promise<void> {
  const { status, json } = await request(options, "/submit", { body: programOf(paths, options) });
  failOn(errorOf(json), status);
  const answer = json as SubmitAnswer;
  printValue(options.json ? answer : answer.hash);
  if (!options.json && answer.loadError) process.stderr.write(`${describe(answer.loadError as ErrorJson)}\n`);
}

async function run(rest: string[], options: Options): Promise<void> {
  const [hash] = rest;
  if (!hash || rest.length > 1) throw new Exit(2, `run takes one hash.\n\n${USAGE}`);
  const query = options.prompt === undefined ? "" : `?prompt=${encodeURIComponent(options.prompt)}`;
  const { input } = inputOf(options);
  const { status, text, json } = await request(options, `/run/${encodeURIComponent(hash)}${query}`, {
    ...(input === undefined ? {} : { body: input }),
  });
  // Our own errors are JSON with a known code; anything else is the program's own answer, printed as is.
  const error = status >= 400 ? errorOf(json) : null;
  if (options.json) printValue({ status, body: json ?? text });
  else if (!error) process.stdout.write(text);
  failOn(error, error ? status : 200);
}

async function callExport(rest: string[], options: Options): Promise<void> {
  const [hash, name, ...args] = rest;
  if (!hash || !name) throw new Exit(2, `call takes a hash, an export's name and its arguments.\n\n${USAGE}`);
  const path = `/call/${encodeURIComponent(hash)}/${encodeURIComponent(name)}`;
  const { status, json } = await request(options, path, { body: argsOf(args) });
  const answer = json as CallAnswer | null;
  if (options.json && json) printValue(json);
  else if (answer && "runId" in answer) {
    printConsole(answer);
    if (answer.result !== undefined) printValue(answer.result);
  }
  failOn(errorOf(json) ?? (answer?.error as ErrorJson | undefined) ?? null, status);
}

async function main(argv: string[]): Promise<void> {
  const { command, rest, options } = parse(argv);
  if (options.help || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  switch (command) {
    case "exec":
      return exec(rest, options);
    case "submit":
      return submit(rest, options);
    case "run":
      return run(rest, options);
    case "call":
      return callExport(rest, options);
    default:
      throw new Exit(2, `${command ? `Unknown command ${command}.` : "Name a command."}\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof Exit) {
      process.stderr.write(`${error.message}\n`);
      process.exit(error.code);
    }
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(2);
  },
);
