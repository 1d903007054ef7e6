import { Result, Schema, SchemaIssue } from "effect";
import { ApiError, type ErrorCode } from "./errors";

const formatIssues = SchemaIssue.makeFormatterStandardSchemaV1();

// Building a schema's decoder costs more than running it, and every run decodes its outcome.
const decoders = new WeakMap<
  object,
  (input: unknown) => Result.Result<unknown, { readonly issue: SchemaIssue.Issue }>
>();

function decoderOf(schema: Schema.ConstraintDecoder<unknown>) {
  let decoder = decoders.get(schema);
  if (!decoder) {
    decoder = Schema.decodeUnknownResult(schema, { errors: "all", onExcessProperty: "error" });
    decoders.set(schema, decoder);
  }
  return decoder;
}

/** Decodes untrusted input with an Effect schema; failures become a 400 listing every issue. */
export function decodeOrFail<S extends Schema.ConstraintDecoder<unknown>>(
  schema: S,
  input: unknown,
  code: ErrorCode = "invalid_request",
  what = "request body",
): S["Type"] {
  const result = decoderOf(schema)(input);
  if (Result.isSuccess(result)) return result.success as S["Type"];
  const issues = formatIssues(result.failure.issue).issues.map((issue) => ({
    path: (issue.path ?? []).map((segment) => (typeof segment === "object" ? String(segment.key) : String(segment))),
    message: issue.message,
  }));
  const summary = issues
    .map((issue) => (issue.path.length ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
  throw new ApiError(code, `Invalid ${what}: ${summary}`, { issues });
}

/**
 * The vars and secrets a struct schema names, read from a worker's env and decoded: operator settings
 * are input too. A bad one answers 500 internal_error naming it, rather than running with a setting
 * nobody chose.
 */
export function decodeVars<S extends Schema.ConstraintDecoder<unknown> & { readonly fields: Schema.Struct.Fields }>(
  schema: S,
  env: object,
  what: string,
): S["Type"] {
  const vars = Object.fromEntries(Object.keys(schema.fields).map((name) => [name, Reflect.get(env, name)]));
  return decodeOrFail(schema, vars, "internal_error", what);
}
