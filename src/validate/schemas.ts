import { Schema } from "effect";
import { FilePath, Language, Mode } from "../base/schemas";

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

/** ?prompt= and its alias ?q=, each at most once. */
export const RunQuery = Schema.Struct({
  prompt: Schema.optional(Schema.String),
  q: Schema.optional(Schema.String),
});
