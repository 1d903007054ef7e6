import { Schema } from "effect";
import type {
  AdminTokenListAnswer,
  HistoryAnswer,
  ProgramAnswer,
  RunRecord,
  SubmitAnswer,
  TokenCreatedAnswer,
  TokenListAnswer,
} from "../../base/answers";
import {
  CallableExport,
  EgressEntrySchema,
  errorBodySchema,
  OutcomeSchema,
  RunConsoleSchema,
} from "../../base/answers";
import type { ErrorCode } from "../../base/errors";
import { Language, Mode } from "../../base/schemas";

/**
 * The JSON answers of the API as Effect schemas, for the OpenAPI document. The answers themselves are
 * TypeScript types in src/base/answers.ts (the browser imports them, and nothing of Effect); the
 * checks at the end of this file fail the type check when an answer type grows a field that its
 * schema here does not describe.
 */

/** `{ error: { code, message, …details } }`, with `code` one of `codes` (every code when none are named). */
export function errorAnswer(codes?: readonly ErrorCode[]) {
  return Schema.Struct({ error: errorBodySchema(codes) });
}

const ErrorBody = errorBodySchema();

export const SubmitAnswerSchema = Schema.Struct({
  hash: Schema.String.annotate({ description: "SHA-256 of the program's canonical form, 64 lowercase hex characters" }),
  url: Schema.String.annotate({ description: "/run/<hash>" }),
  mode: Mode,
  network: Schema.Boolean,
  language: Schema.optional(Language),
  main: Schema.optional(Schema.String),
  loaded: Schema.Boolean.annotate({ description: "The program's isolate was loaded at submit time" }),
  loadError: Schema.optional(ErrorBody),
});

const ProgramCommon = {
  hash: Schema.String,
  url: Schema.String,
  mode: Mode,
  network: Schema.Boolean,
  exports: Schema.Array(CallableExport),
};
export const ProgramAnswerSchema = Schema.Union([
  Schema.Struct({ ...ProgramCommon, code: Schema.String, language: Schema.optional(Language) }),
  Schema.Struct({ ...ProgramCommon, files: Schema.Record(Schema.String, Schema.String), main: Schema.String }),
]);

const HistoryEntryFields = {
  id: Schema.NullOr(Schema.String),
  prompt: Schema.String,
  hash: Schema.String,
  status: Schema.Number,
  outcome: OutcomeSchema,
  durationMs: Schema.Number,
  cold: Schema.NullOr(Schema.Boolean),
  at: Schema.String.annotate({ description: "ISO 8601 time the run started" }),
};

export const HistoryAnswerSchema = Schema.Struct({ entries: Schema.Array(Schema.Struct(HistoryEntryFields)) });

export const RunRecordSchema = Schema.Struct({
  ...HistoryEntryFields,
  console: RunConsoleSchema,
  egress: Schema.Array(EgressEntrySchema),
  consoleReady: Schema.Boolean,
  error: Schema.NullOr(ErrorBody),
});

const TokenInfoFields = {
  id: Schema.String,
  name: Schema.String,
  created: Schema.String,
  lastUsed: Schema.NullOr(Schema.String),
};

export const TokenListAnswerSchema = Schema.Struct({ tokens: Schema.Array(Schema.Struct(TokenInfoFields)) });

export const TokenCreatedAnswerSchema = Schema.Struct({
  ...TokenInfoFields,
  token: Schema.String.annotate({ description: "The token (pl_…), shown this once: only its SHA-256 is kept" }),
});

export const AdminTokenListAnswerSchema = Schema.Struct({
  tokens: Schema.Array(
    Schema.Struct({
      ...TokenInfoFields,
      owner: Schema.String.annotate({ description: "The visitor id whose history the token's runs go to" }),
      ownerName: Schema.NullOr(Schema.String),
    }),
  ),
});

/** A JSON-RPC 2.0 message, as MCP's Streamable HTTP transport carries it (or a batch of them). */
const JsonRpcMessage = Schema.Struct({
  jsonrpc: Schema.Literal("2.0"),
  id: Schema.optional(Schema.Union([Schema.String, Schema.Number])),
  method: Schema.optional(Schema.String),
  params: Schema.optional(Schema.Unknown),
  result: Schema.optional(Schema.Unknown),
  error: Schema.optional(Schema.Unknown),
});
export const JsonRpcBody = Schema.Union([JsonRpcMessage, Schema.Array(JsonRpcMessage)]);

// Every answer a route builds must fit its schema: these fail the type check when it would not.
type Fits<T, S extends Schema.Top> = T extends S["Type"] ? true : never;
export const ANSWERS_FIT: [
  Fits<SubmitAnswer, typeof SubmitAnswerSchema>,
  Fits<ProgramAnswer, typeof ProgramAnswerSchema>,
  Fits<HistoryAnswer, typeof HistoryAnswerSchema>,
  Fits<RunRecord, typeof RunRecordSchema>,
  Fits<TokenListAnswer, typeof TokenListAnswerSchema>,
  Fits<TokenCreatedAnswer, typeof TokenCreatedAnswerSchema>,
  Fits<AdminTokenListAnswer, typeof AdminTokenListAnswerSchema>,
] = [true, true, true, true, true, true, true];
