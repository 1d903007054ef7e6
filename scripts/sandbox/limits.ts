/**
 * What the local sandbox runtime enforces, since workerd does not enforce `limits.cpuMs` locally.
 * Production uses the platform's own limits instead (src/config/limits.ts sets cpuMs/subRequests).
 */

/** A runtime that has not answered its health check for this long is wedged by a busy program. */
export const WEDGE_MS = 2_000;
/** How often the supervisor checks health and memory. */
export const WATCH_EVERY_MS = 100;
/** Per-isolate V8 heap, as on Cloudflare: a program allocating past it aborts the runtime at once. */
export const HEAP_MB = 128;
/** Resident memory at which the runtime is replaced, gracefully, once its runs have finished. */
export const RECYCLE_RSS_MB = 256;
/** Resident memory at which the runtime is killed at once and its runs get the memory limit error. */
export const KILL_RSS_MB = 768;
/** How long a run may wait for a runtime to come (back) up before it gets an error. */
export const STARTUP_WAIT_MS = 8_000;
