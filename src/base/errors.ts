/**
 * Every error the API answers with. The error table of docs/api.md is checked against this list by
 * test/node/readme.test.ts, so a new code cannot ship undocumented.
 */
export const ERROR_STATUS = {
  invalid_json: 400,
  invalid_request: 400,
  invalid_hash: 400,
  invalid_run_id: 400,
  invalid_args: 400,
  token_required: 401,
  token_malformed: 401,
  token_unknown: 401,
  token_revoked: 401,
  cross_site_request: 403,
  session_required: 403,
  admin_forbidden: 403,
  program_not_found: 404,
  run_not_found: 404,
  export_not_found: 404,
  route_not_found: 404,
  token_not_found: 404,
  method_not_allowed: 405,
  too_many_tokens: 409,
  code_too_large: 413,
  prompt_too_large: 413,
  body_too_large: 413,
  unsupported_media_type: 415,
  misdirected_request: 421,
  rate_limited: 429,
  load_error: 422,
  compile_error: 422,
  import_not_found: 422,
  dependency_unavailable: 422,
  dependency_rejected: 422,
  too_many_dependencies: 422,
  dependency_too_large: 422,
  dependency_timeout: 422,
  result_not_json: 422,
  program_exception: 502,
  no_response: 502,
  limit_exceeded: 503,
  loader_unavailable: 503,
  bundler_unavailable: 503,
  run_timeout: 504,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The errors of a program's own build: its code or its dependencies, not our service, failed. */
export const BUILD_FAILURES = [
  "compile_error",
  "import_not_found",
  "dependency_unavailable",
  "dependency_rejected",
  "too_many_dependencies",
  "dependency_too_large",
  "dependency_timeout",
] as const satisfies readonly ErrorCode[];

/** An error as our JSON answers carry it: its code, its words, and the details it names. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  [detail: string]: unknown;
}

// Plain fields rather than parameter properties: the dev supervisor imports this file into Node,
// which runs TypeScript by stripping types only.
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: (typeof ERROR_STATUS)[ErrorCode];
  readonly details: Record<string, unknown>;
  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = details;
  }

  toJSON(): { error: ErrorBody } {
    return { error: { code: this.code, message: this.message, ...this.details } };
  }
}

export function errorResponse(error: ApiError | ErrorBody): Response {
  const body = error instanceof ApiError ? error.toJSON().error : error;
  return Response.json({ error: body }, { status: ERROR_STATUS[body.code] });
}
