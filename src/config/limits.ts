import { Schema } from "effect";
import { decodeVars } from "../base/decode";
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
  const vars = decodeVars(LimitVars, env, "limit configuration");
  return {
    cpuMs: vars.RUN_CPU_MS ?? DEFAULT_RUN_LIMITS.cpuMs,
    subRequests: vars.RUN_SUBREQUESTS ?? DEFAULT_RUN_LIMITS.subRequests,
  };
});

/**
 * What a program's answer may be, as it streams to the caller: at most this many bytes, finished
 * within this long after its headers. Past either the stream is cut and the run recorded as
 * limit_exceeded. The RESPONSE_MAX_BYTES and RESPONSE_MAX_MS vars override them.
 */
export interface ResponseLimits {
  readonly maxBytes: number;
  readonly maxMs: number;
}

export const DEFAULT_RESPONSE_LIMITS: ResponseLimits = { maxBytes: 16 * 1024 * 1024, maxMs: 30_000 };

const ResponseVars = Schema.Struct({
  RESPONSE_MAX_BYTES: Schema.optional(Count.check(Schema.isGreaterThan(0))),
  RESPONSE_MAX_MS: Schema.optional(Count.check(Schema.isGreaterThan(0))),
});

export const responseLimits = oncePerEnv(
  (env: { RESPONSE_MAX_BYTES?: unknown; RESPONSE_MAX_MS?: unknown }): ResponseLimits => {
    const vars = decodeVars(ResponseVars, env, "response limit configuration");
    return {
      maxBytes: vars.RESPONSE_MAX_BYTES ?? DEFAULT_RESPONSE_LIMITS.maxBytes,
      maxMs: vars.RESPONSE_MAX_MS ?? DEFAULT_RESPONSE_LIMITS.maxMs,
    };
  },
);

/** Calls one run may make to env.STORE: each is a request to us, so a loop must not be free. */
export const STORE_MAX_CALLS_PER_RUN = 100;

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

/**
 * What installing one multi-file program's npm dependencies may cost, at submit time
 * (src/build/npm-install.ts). Every count is kept while the bytes stream in, over the whole install,
 * and the moment one passes its limit the install stops (no further request, no further byte) and
 * the submit answers 422 naming the package.
 */
export interface DependencyLimits {
  /** Distinct packages installed, transitive ones included: each costs two requests (metadata, tarball). */
  readonly packages: number;
  /** Registry documents (package metadata) read, in all. npm's own for react is 4 MB, typescript's 10 MB. */
  readonly metadataBytes: number;
  /** Tarballs as downloaded (gzip), in all. */
  readonly compressedBytes: number;
  /** Tarballs unpacked (the tar stream after gunzip), in all: what stops a compression bomb. */
  readonly unpackedBytes: number;
  /** Wall time of the whole install, every request and byte included. */
  readonly timeMs: number;
}

export const DEPENDENCY_LIMITS: DependencyLimits = {
  packages: 50,
  metadataBytes: 32 * 1024 * 1024,
  compressedBytes: 5 * 1024 * 1024,
  unpackedBytes: 20 * 1024 * 1024,
  timeMs: 20_000,
};

/** Registry requests one install keeps in flight at once (a Worker has 6 connections). */
export const DEPENDENCY_FETCH_CONCURRENCY = 4;
