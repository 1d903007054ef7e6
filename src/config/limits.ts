import { Schema } from "effect";
import { decodeOrFail } from "../base/decode";
import { oncePerEnv } from "../base/once-per-env";

/** Request size limits, in bytes of UTF-8. */
export const MAX_CODE_BYTES = 256 * 1024;
/** Files in one multi-file program (their sizes count towards MAX_CODE_BYTES together). */
export const MAX_FILES = 50;
/** What a build may produce, npm dependencies included: it is stored with the program. */
export const MAX_BUILT_BYTES = 1024 * 1024;
export const MAX_PROMPT_BYTES = 16 * 1024;
export const MAX_RUN_BODY_BYTES = 1024 * 1024;
/** The submit body is JSON around the code: room for escaping, still bounded. */
export const MAX_SUBMIT_BODY_BYTES = 2 * MAX_CODE_BYTES + 4096;

/** How many runs each visitor's history keeps. */
export const HISTORY_SIZE = 50;

/**
 * How long a visitor's history outlives their last run. Every cookieless API call is a new visitor
 * with an object of its own; this lets those objects (and forgotten visitors') go away.
 */
export const HISTORY_RETENTION_DAYS = 30;

/** Wall-clock bound on one run: the runtime enforces CPU, this catches programs that never answer. */
export const RUN_WALL_MS = 30_000;

export interface RunLimits {
  readonly cpuMs: number;
  readonly subRequests: number;
}

export const DEFAULT_RUN_LIMITS: RunLimits = { cpuMs: 50, subRequests: 50 };

/** Operator-set vars; wrangler may hand them over as numbers or as strings. */
const Count = Schema.Union([Schema.Number, Schema.NumberFromString]).check(
  Schema.isInt(),
  Schema.isGreaterThanOrEqualTo(0),
);
const LimitVars = Schema.Struct({
  RUN_CPU_MS: Schema.optional(Count.check(Schema.isGreaterThan(0))),
  RUN_SUBREQUESTS: Schema.optional(Count),
});

/** Limits handed to the Worker Loader for every run, from the RUN_CPU_MS and RUN_SUBREQUESTS vars. */
export const runLimits = oncePerEnv((env: { RUN_CPU_MS?: unknown; RUN_SUBREQUESTS?: unknown }): RunLimits => {
  const vars = decodeOrFail(
    LimitVars,
    { RUN_CPU_MS: env.RUN_CPU_MS, RUN_SUBREQUESTS: env.RUN_SUBREQUESTS },
    "internal_error",
    "limit configuration",
  );
  return {
    cpuMs: vars.RUN_CPU_MS ?? DEFAULT_RUN_LIMITS.cpuMs,
    subRequests: vars.RUN_SUBREQUESTS ?? DEFAULT_RUN_LIMITS.subRequests,
  };
});

/** What one run's record keeps of its console: beyond either, entries are dropped and marked. */
export const MAX_LOG_ENTRIES = 200;
export const MAX_LOG_BYTES = 64 * 1024;
/** How long recording waits for a run's console to arrive from the runtime's tail. */
export const LOG_WAIT_MS = 1_500;

/** Quotas of a program's env.STORE: keys, total bytes, and bytes of one value (JSON). */
export const STORE_MAX_KEYS = 1_000;
export const STORE_MAX_BYTES = 1024 * 1024;
export const STORE_MAX_VALUE_BYTES = 64 * 1024;
export const STORE_MAX_KEY_LENGTH = 512;

/** The period of both rate limits in wrangler.jsonc ("ratelimits"), for Retry-After. */
export const RATE_LIMIT_PERIOD_S = 60;
