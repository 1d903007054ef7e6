import { LANE_NAMES, type LaneName } from "../../src/local/protocol.ts";

/**
 * What the local sandbox runtime enforces, since workerd does not enforce `limits.cpuMs` locally.
 * Production uses the platform's own limits instead (src/config/limits.ts sets cpuMs/subRequests).
 * docs/local-runtime.md ("How the supervisor works", "Memory") explains each of them.
 */

/** A runtime that has not answered its health check for this long is wedged by a busy program. */
export const WEDGE_MS = 2_000;
/** How often the supervisor checks health and memory, of every runtime alive (a draining one too). */
export const WATCH_EVERY_MS = 100;
/** Per-isolate V8 heap, as on Cloudflare: a program allocating past it aborts the runtime at once. */
export const HEAP_MB = 128;

/**
 * The kernel's hard bound on each runtime (RLIMIT_DATA): at most this much writable private memory,
 * whatever allocates it (V8 heaps, ArrayBuffers, workerd itself). An allocation past it fails at once,
 * so no polling can miss it. workerd needs about 545 MiB of it to start (512 MiB of that is V8's code
 * range, writable but barely touched), which leaves programs about 480 MiB.
 */
export const DATA_LIMIT_MB = 1_024;
/**
 * What a runtime's resident memory can never pass: its writable memory, plus what is not writable:
 * the workerd binary mapped from disk (114 MiB of mappings, measured) and its stack (8 MiB at most).
 */
export const RSS_BOUND_MB = DATA_LIMIT_MB + 128;
/**
 * A runtime whose allocation the kernel refused with less than this left under DATA_LIMIT_MB is out of
 * memory: it is killed and its runs get the memory limit error. With more left, one allocation was too
 * large: the program gets a RangeError, and the runtime carries on.
 */
export const OUT_OF_MEMORY_MARGIN_MB = HEAP_MB;

/** Resident memory at which the runtime is killed at once and its runs get the memory limit error. */
export const KILL_RSS_MB = 768;
/**
 * Resident memory at which the runtime is replaced, gracefully, once its runs have finished.
 * PROMPTLOG_RECYCLE_RSS_MB sets it, from 128 (a fresh runtime is at about 70 MiB) to KILL_RSS_MB; the
 * tests lower it to have a runtime drained on purpose.
 */
export const RECYCLE_RSS_MB = mibFromEnv("PROMPTLOG_RECYCLE_RSS_MB", 256, 128, KILL_RSS_MB);
/**
 * The probation lane's runtime is replaced sooner (at RECYCLE_RSS_MB if that is lower): what it keeps
 * is of little use for long. A program runs there only until it has a record (3 runs), and every new
 * program's isolate is kept there from its submit (about 2.2 MiB resident each). A sweep of 5,000 new
 * programs replaced it about every 70 programs at 256; each one was at 220–300 MiB by then.
 */
export const PROBATION_RECYCLE_RSS_MB = Math.min(RECYCLE_RSS_MB, 160);
/** A runtime left with less than this under DATA_LIMIT_MB is replaced gracefully too. */
export const RECYCLE_HEADROOM_MB = 256;
/** How long a replaced runtime may take to finish its runs before it is killed. */
export const DRAIN_MS = 30_000;
/**
 * How long a replaced runtime keeps serving, at most, before its runs are counted: the app sends runs
 * straight to it until it has the table naming the new runtime, which it usually has within a few ms.
 */
export const DRAIN_GRACE_MS = 1_000;
/**
 * After the app has that table, how long the reports of the runs it sent before (gathered for 4 ms,
 * src/local/run-reports.ts) have to arrive, before the runtime's runs are counted.
 */
export const DRAIN_SETTLE_MS = 100;
/**
 * The lanes: each one a sandbox runtime of its own (with the replace, drain and limits above), so that
 * a program sharing a runtime (one thread: workerd enforces no CPU limit locally) shares it only with
 * programs like it. A run goes to its program's lane (scripts/sandbox/records.ts decides which):
 * - `probation`: programs not yet proven (new ones, and suspects of a runtime's end), and every run
 *   without a program; the only lane started with the supervisor;
 * - `trusted`: programs with a clean record whose runs are fast;
 * - `heavy`: well-behaved programs whose runs take long;
 * - `quarantine`: programs convicted of ending a runtime (a busy loop, memory exhausted).
 */
export const LANES = LANE_NAMES;
export type { LaneName };
/**
 * Runtimes alive at once in one lane, starting, serving, draining or being killed: the one serving and
 * at most one other (starting, or draining). A runtime due for a recycle while another drains waits for it.
 */
export const MAX_RUNTIMES_PER_LANE = 2;
/** Runtimes alive at once in all: every lane at its most. */
export const MAX_RUNTIMES = MAX_RUNTIMES_PER_LANE * LANES.length;
/** A lane other than probation whose runtime has had no run for this long is stopped; its next run starts it. */
export const LANE_IDLE_MS = 60_000;

/** Runs that ended normally (the runtime answered) a program needs before it leaves probation. */
export const PROMOTE_AFTER_RUNS = 3;
/**
 * A run is slow when it takes at least this long (wall clock, from the supervisor to its answer's
 * end), and SLOW_FACTOR times the median of its runtime's recent runs: when every run is slow, the
 * runtime is busy, not the program. So the bar is from SLOW_RUN_MS to SLOW_FACTOR × SLOW_RUN_MS.
 */
export const SLOW_RUN_MS = 100;
export const SLOW_FACTOR = 3;
/**
 * A program's runs are judged at most this often (its first PROMOTE_AFTER_RUNS runs always): twenty
 * runs of one program stalled together by another are one judgement, not twenty.
 */
export const SLOW_SAMPLE_MS = 250;
/**
 * Each judgement: score = score × SLOW_DECAY + (slow ? 1 : 0). A program goes to the heavy lane at
 * HEAVY_SCORE (two slow runs close together, or about one run in ten slow for good) and comes back
 * under RELEASE_SCORE (about sixteen fast ones in a row).
 */
export const SLOW_DECAY = 0.9;
export const HEAVY_SCORE = 1.5;
export const RELEASE_SCORE = 0.3;
/**
 * A run that began up to this long after the runtime's last answered health check may be the busy
 * one: the next check, sent WATCH_EVERY_MS later, found the runtime busy already.
 */
export const WEDGE_SLACK_MS = WATCH_EVERY_MS + 100;
/**
 * How long after its answer a run may still be running (ctx.waitUntil) and so be a suspect when its
 * runtime ends: Workers give waitUntil 30 s after the answer.
 */
export const LINGER_MS = 35_000;
/**
 * Times a run may be sent again after a runtime it was waiting in was ended by another program's busy
 * loop: with many visitors, another busy loop can take the new runtime before the run is answered.
 */
export const MAX_RESENDS = 3;
/** Times a program may be one of several suspects of a runtime's end before it is convicted too. */
export const STRIKES_TO_CONVICT = 3;
/** Programs the supervisor remembers (lane, runs, convictions); the least recently run is forgotten first. */
export const MAX_RECORDS = 10_000;
/** How long a run may wait for a runtime to come (back) up before it gets an error. */
export const STARTUP_WAIT_MS = 8_000;

function mibFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number of MiB from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}
