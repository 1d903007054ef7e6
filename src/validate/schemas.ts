import { Schema } from "effect";
import { FILE_PATH } from "./file-paths";

export const Mode = Schema.Literals(["module", "snippet"]);
export type Mode = typeof Mode.Type;

export const Language = Schema.Literals(["js", "ts"]);
export type Language = typeof Language.Type;

/**
 * A file's path in a multi-file program: relative, forward slashes, no `..`, and an extension the
 * builder knows (code, JSON, text).
 */
export const FilePath = Schema.String.check(
  Schema.isPattern(FILE_PATH, {
    message:
      "file paths are relative (src/index.ts), use letters, digits, _ @ . - and /, no `..`, and end in .ts, .tsx, .js, .mjs, .jsx, .json, .txt or .md",
  }),
);

/**
 * POST /submit body: one file as `code` (JavaScript, or TypeScript with language "ts"), or several
 * as `files` with their entry point `main`. Sizes are checked after decoding so they can answer 413.
 */
export const SubmitRequest = Schema.Struct({
  code: Schema.optional(Schema.String.check(Schema.isMinLength(1, { message: "code must not be empty" }))),
  files: Schema.optional(Schema.Record(FilePath, Schema.String)),
  main: Schema.optional(FilePath),
  language: Schema.optional(Language),
  mode: Schema.optional(Mode),
  /** Run with the operator's egress policy instead of no network at all. Part of the hash. */
  network: Schema.optional(Schema.Boolean),
});
export type SubmitRequest = typeof SubmitRequest.Type;

/** Full SHA-256 in lowercase hex: short or mixed-case forms are refused, never guessed at. */
export const Hash = Schema.String.check(
  Schema.isPattern(/^[0-9a-f]{64}$/, { message: "hash must be 64 lowercase hex characters (SHA-256)" }),
);

/** The anonymous visitor id in the cookie: a random UUID, nothing guessable or path-like. */
export const VisitorId = Schema.String.check(
  Schema.isPattern(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
);

/** A run id, as x-run-id carries it. */
export const RunId = Schema.String.check(
  Schema.isPattern(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    message: "run id must be a UUID, as the x-run-id header gives it",
  }),
);

/** ?prompt= and its alias ?q=, each at most once. */
export const RunQuery = Schema.Struct({
  prompt: Schema.optional(Schema.String),
  q: Schema.optional(Schema.String),
});

/** Operator-set vars; wrangler may hand them over as numbers or as strings. */
const Count = Schema.Union([Schema.Number, Schema.NumberFromString]).check(
  Schema.isInt(),
  Schema.isGreaterThanOrEqualTo(0),
);
export const LimitVars = Schema.Struct({
  RUN_CPU_MS: Schema.optional(Count.check(Schema.isGreaterThan(0))),
  RUN_SUBREQUESTS: Schema.optional(Count),
});
