/**
 * Every JSON answer of the API, defined once: the routes build them, the page's client and the tests
 * read them. Types only, so the browser bundle imports nothing of the server.
 */
import { Schema } from "effect";
import { ERROR_STATUS, type ErrorBody, type ErrorCode } from "./errors";
import type { Language, Mode } from "./schemas";

/** POST /submit: 201 for a new program, 200 when it was already stored. */
export interface SubmitAnswer {
  readonly hash: string;
  /** Where to run it: /run/<hash>. */
  readonly url: string;
  readonly mode: Mode;
  readonly network: boolean;
  readonly language?: Language;
  /** The entry point of a multi-file program. */
  readonly main?: string;
  /** The program's isolate was loaded at submit time, so its first run is warm. */
  readonly loaded: boolean;
  /** Why it did not load, when the program itself cannot (its runs answer the same error). */
  readonly loadError?: ErrorBody;
}

/** A program's source as the API gives it back (and the page sends it): one file, or several. */
export type ProgramSource =
  | { readonly code: string; readonly language?: Language }
  | { readonly files: Readonly<Record<string, string>>; readonly main: string };

/** GET /api/programs/:hash: a stored program's source, so the page can reopen it. */
export type ProgramAnswer = ProgramSource & {
  readonly hash: string;
  readonly url: string;
  readonly mode: Mode;
  readonly network: boolean;
  /** What POST /call/:hash/:name can call: a module's exported functions and entrypoint methods. */
  readonly exports: readonly CallableExport[];
};

/** GET /api/history. */
export interface HistoryAnswer {
  readonly entries: HistoryEntry[];
}

/** Every error: its code, its words, and the details it names. */
export interface ErrorAnswer {
  readonly error: ErrorBody;
}

/** How a run ended: see src/record/outcome.ts. */
export type Outcome = "ok" | "exception" | "limit" | "load_error" | "error";

/** One run in a visitor's history, as GET /api/history answers it. */
export interface HistoryEntry {
  /** The run id (x-run-id); null for runs recorded before runs had ids. */
  readonly id: string | null;
  readonly prompt: string;
  readonly hash: string;
  readonly status: number;
  readonly outcome: Outcome;
  readonly durationMs: number;
  /** The isolate was new for this run; null when the run never reached an isolate. */
  readonly cold: boolean | null;
  /** ISO 8601 time the run started. */
  readonly at: string;
}

export type LogLevel = "log" | "info" | "warn" | "error" | "debug";

export interface LogEntry {
  readonly level: LogLevel;
  readonly message: string;
  /** Milliseconds since the epoch. */
  readonly at: number;
}

export interface ExceptionEntry {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
}

/** What a run printed and threw uncaught, as the runtime's tail reported it. */
export interface RunConsole {
  readonly logs: LogEntry[];
  readonly exceptions: ExceptionEntry[];
  /** Entries were dropped: over the per-run cap, or the runtime's own. */
  readonly truncated: boolean;
}

/** One request a program with network made, as our egress gateway saw it. */
export interface EgressEntry {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  /** The upstream's status, or 403 when the policy refused the host, 502 when the request failed. */
  readonly status: number;
  readonly durationMs: number;
  readonly blocked: boolean;
}

/** The full record of one run, as GET /api/runs/:id answers it. */
export interface RunRecord extends HistoryEntry {
  readonly console: RunConsole;
  /** Outbound requests, for programs submitted with network: true. */
  readonly egress: EgressEntry[];
  /** Whether the console has arrived from the tail (it follows the response by milliseconds). */
  readonly consoleReady: boolean;
  /** Our JSON error's body, for runs that did not end with the program's own response. */
  readonly error: ErrorBody | null;
}

/** One API token as GET /tokens lists it: never the token itself, which is shown once. */
export interface TokenInfo {
  readonly id: string;
  readonly name: string;
  /** ISO 8601 times; lastUsed is null until the token's first use (it moves at most once a minute). */
  readonly created: string;
  readonly lastUsed: string | null;
}

/** GET /tokens. */
export interface TokenListAnswer {
  readonly tokens: TokenInfo[];
}

/** POST /tokens (and POST /admin/tokens): the token, shown this once, and what the list will show. */
export interface TokenCreatedAnswer extends TokenInfo {
  readonly token: string;
}

/** GET /admin/tokens: every active token, with its owner. */
export interface AdminTokenListAnswer {
  readonly tokens: (TokenInfo & { readonly owner: string; readonly ownerName: string | null })[];
}

// The agent API's answers (POST /api/execute, POST /call/:hash/:name) are Effect schemas as well as
// types, so the OpenAPI document and the MCP tools describe them from the one definition. Only
// types reach the browser bundle (it imports `type`s from here).

const ALL_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** Our error body, `{ code, message, …details }`, with `code` one of `codes`. */
export function errorBodySchema(codes: readonly ErrorCode[] = ALL_CODES) {
  return Schema.StructWithRest(Schema.Struct({ code: Schema.Literals(codes), message: Schema.String }), [
    Schema.Record(Schema.String, Schema.Unknown),
  ]).annotate({
    description:
      "Our error: its code (docs/api.md#errors), its words, and the details it names (issues, location { file?, line, column } in your own code, limit…).",
  });
}

const ErrorBodySchema = errorBodySchema();

export const OutcomeSchema = Schema.Literals(["ok", "exception", "limit", "load_error", "error"]);

/** What a run printed and threw uncaught (RunConsole). */
export const RunConsoleSchema = Schema.Struct({
  logs: Schema.Array(
    Schema.Struct({
      level: Schema.Literals(["log", "info", "warn", "error", "debug"]),
      message: Schema.String,
      at: Schema.Number,
    }),
  ),
  exceptions: Schema.Array(Schema.Struct({ name: Schema.String, message: Schema.String, stack: Schema.String })),
  truncated: Schema.Boolean,
});

/** One request a program with network made (EgressEntry). */
export const EgressEntrySchema = Schema.Struct({
  method: Schema.String,
  host: Schema.String,
  path: Schema.String,
  status: Schema.Number,
  durationMs: Schema.Number,
  blocked: Schema.Boolean,
});

/** What every answer about one run says, whether it ran a prompt or called an export. */
const RunFields = {
  hash: Schema.String,
  /** The run's id, as x-run-id and GET /api/runs/:id know it. */
  runId: Schema.String,
  /** The program's own status, or our error's. */
  status: Schema.Number,
  outcome: OutcomeSchema,
  console: Schema.NullOr(RunConsoleSchema).annotate({
    description: "What the run printed; null when it never reached an isolate's console.",
  }),
  error: Schema.optional(ErrorBodySchema),
  durationMs: Schema.Number,
  /** The isolate was new for this run; null when the run never reached one. */
  cold: Schema.NullOr(Schema.Boolean),
};

/**
 * POST /api/execute: `result` is a snippet's value; `body` is a module's answer as text (or a snippet
 * value too large to give whole), cut at 64 KiB of UTF-8 with `truncated: true`.
 */
export const ExecuteAnswer = Schema.Struct({
  ...RunFields,
  mode: Schema.Literals(["module", "snippet"]),
  result: Schema.optional(Schema.Json),
  body: Schema.optional(Schema.String),
  contentType: Schema.optional(Schema.NullOr(Schema.String)),
  truncated: Schema.optional(Schema.Boolean),
});
export type ExecuteAnswer = typeof ExecuteAnswer.Type;

/** POST /call/:hash/:name: the export's return value, as JSON. */
export const CallAnswer = Schema.Struct({
  ...RunFields,
  name: Schema.String,
  result: Schema.optional(Schema.Json),
});
export type CallAnswer = typeof CallAnswer.Type;

/** One export a module's callers can call, as GET /api/programs/:hash lists them. */
export const CallableExport = Schema.Struct({
  /** What POST /call/:hash/:name takes as :name. */
  name: Schema.String,
  kind: Schema.Literals(["function", "method"]),
});
export type CallableExport = typeof CallableExport.Type;
