import { Schema } from "effect";
import { FILE_PATH } from "./file-paths";

/** Schemas of values that cross more than one stage: ids, hashes, modes, file paths. */

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

/** Full SHA-256 in lowercase hex: short or mixed-case forms are refused, never guessed at. */
export const Hash = Schema.String.check(
  Schema.isPattern(/^[0-9a-f]{64}$/u, { message: "hash must be 64 lowercase hex characters (SHA-256)" }),
);

/** The anonymous visitor id in the cookie: a random UUID, nothing guessable or path-like. */
export const VisitorId = Schema.String.check(
  Schema.isPattern(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u),
);

/** A run id, as x-run-id carries it. */
export const RunId = Schema.String.check(
  Schema.isPattern(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u, {
    message: "run id must be a UUID, as the x-run-id header gives it",
  }),
);
