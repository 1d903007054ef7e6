import {
  HEAVY_SCORE,
  type LaneName,
  MAX_RECORDS,
  PROMOTE_AFTER_RUNS,
  RELEASE_SCORE,
  SLOW_DECAY,
  SLOW_FACTOR,
  SLOW_RUN_MS,
  SLOW_SAMPLE_MS,
  STRIKES_TO_CONVICT,
} from "./limits.ts";

/** The limits a program can be blamed for: it ended a runtime by keeping it busy, or by its memory. */
export type Limit = "cpu" | "memory";

/** What the supervisor knows of one program (by its hash), from how its runs went. */
export interface ProgramRecord {
  /**
   * Runs that ended normally since it was last a suspect: the runtime answered them, and their
   * invocation is over (their console came back, so nothing of theirs runs on in ctx.waitUntil).
   */
  cleanRuns: number;
  /** Runs the runtime answered: the first PROMOTE_AFTER_RUNS are each judged slow or fast. */
  answered: number;
  /** How slow its runs have been lately: each judged run adds 1 if slow, after the rest decays. */
  slowScore: number;
  /** When a run of it was last judged. */
  judgedAt: number;
  /** Its runs take long: it runs in the heavy lane. */
  heavy: boolean;
  /**
   * Times it was one of several suspects of a runtime's end (a share of one when it waited beside a
   * named loop with other programs: `strikeBeside`).
   */
  strikes: number;
  /** It ended a runtime (the only suspect, or STRIKES_TO_CONVICT times one of several): quarantine. */
  convicted: Limit | undefined;
  /**
   * It ended a runtime after its run had answered (ctx.waitUntil), where no run could be told: it is
   * refused with the limit error, without running.
   */
  banned: Limit | undefined;
  /** The lane its last run went to. */
  lane: LaneName | undefined;
}

/** A program suspected of a runtime's end; `answered`: a run of it had answered and was still running. */
export interface Suspect {
  readonly hash: string;
  readonly answered: boolean;
}

/** Where a run goes. `movedFrom`: the program's last run went to another lane. */
export interface Route {
  readonly lane: LaneName;
  readonly banned: Limit | undefined;
  readonly movedFrom: LaneName | undefined;
}

/** The lane of a program's next run, from its record (none: a program not seen yet). */
export function laneOf(record: ProgramRecord | undefined): LaneName {
  if (!record) return "probation";
  if (record.convicted) return "quarantine";
  if (record.cleanRuns < PROMOTE_AFTER_RUNS) return "probation";
  return record.heavy ? "heavy" : "trusted";
}

/** How the app sends a program's runs (src/local/direct-routes.ts): to its lane, through the supervisor, or null (probation). */
export type AppRoute = LaneName | "supervisor" | null;

/**
 * The app's route for a program: straight to its lane's runtime, except a program refused outright
 * and one whose next run is its first in a new lane (the supervisor loads its isolate there first).
 */
export function appRouteOf(record: ProgramRecord | undefined): AppRoute {
  if (!record) return null;
  const lane = laneOf(record);
  if (record.banned || (record.lane !== undefined && record.lane !== lane)) return "supervisor";
  return lane === "probation" ? null : lane;
}

const short = (hash: string) => hash.slice(0, 12);

/** A run is slow for its runtime: SLOW_RUN_MS at least, and SLOW_FACTOR × what its runs take lately (capped). */
export function isSlow(wallMs: number, typicalMs: number): boolean {
  return wallMs >= SLOW_RUN_MS * Math.max(1, Math.min(SLOW_FACTOR, (SLOW_FACTOR * typicalMs) / SLOW_RUN_MS));
}

/**
 * Every program's record, at most MAX_RECORDS of them: the one run least recently is forgotten first
 * (and starts over in probation if it comes back).
 */
export class ProgramRecords {
  readonly #records = new Map<string, ProgramRecord>();
  readonly #max: number;

  constructor(max = MAX_RECORDS) {
    this.#max = max;
  }

  get size(): number {
    return this.#records.size;
  }

  get(hash: string): ProgramRecord | undefined {
    return this.#records.get(hash);
  }

  /** Where a run of `hash` goes now; the program counts as just used. */
  route(hash: string | undefined): Route {
    if (hash === undefined) return { lane: "probation", banned: undefined, movedFrom: undefined };
    const record = this.#use(hash);
    const lane = laneOf(record);
    const movedFrom = record.lane !== undefined && record.lane !== lane ? record.lane : undefined;
    record.lane = lane;
    return { lane, banned: record.banned, movedFrom };
  }

  /**
   * Whether the next run of `hash` would be its first in a lane it has earned (trusted, or heavy):
   * its isolate is worth loading there ahead of that run.
   */
  earnedNewLane(hash: string): boolean {
    const record = this.#records.get(hash);
    if (!record || record.banned || record.lane === undefined) return false;
    const lane = laneOf(record);
    return lane !== record.lane && (lane === "trusted" || lane === "heavy");
  }

  /** A run of `hash` went to `lane`, where the app sent it; the program counts as just used. */
  ranIn(hash: string, lane: LaneName) {
    this.#use(hash).lane = lane;
  }

  /**
   * A run of `hash` was answered in full after `wallMs`, in a runtime whose recent runs took
   * `typicalMs` (their median): is the program slow? Answers a line for the log when that moves it
   * (to or back from the heavy lane).
   */
  answered(hash: string, wallMs: number, typicalMs: number, now = Date.now()): string | undefined {
    const record = this.#use(hash);
    const before = laneOf(record);
    record.answered++;
    if (record.answered <= PROMOTE_AFTER_RUNS || now - record.judgedAt >= SLOW_SAMPLE_MS) {
      record.judgedAt = now;
      record.slowScore = record.slowScore * SLOW_DECAY + (isSlow(wallMs, typicalMs) ? 1 : 0);
      if (!record.heavy && record.slowScore >= HEAVY_SCORE) record.heavy = true;
      else if (record.heavy && record.slowScore < RELEASE_SCORE) record.heavy = false;
    }
    return this.#moved(hash, record, before, `this run ${Math.round(wallMs)} ms`);
  }

  /**
   * A run of `hash` that was answered is over (its console came back): a clean run. Answers a line
   * for the log when that moves it (out of probation).
   */
  finished(hash: string): string | undefined {
    const record = this.#use(hash);
    const before = laneOf(record);
    record.cleanRuns++;
    return this.#moved(hash, record, before, `${record.cleanRuns} clean runs`);
  }

  /** A run answered and over, `wallMs` long: both of the above. */
  ranNormally(hash: string, wallMs: number, typicalMs: number, now = Date.now()): string | undefined {
    return [this.answered(hash, wallMs, typicalMs, now), this.finished(hash)].filter(Boolean).join("; ") || undefined;
  }

  #moved(hash: string, record: ProgramRecord, before: LaneName, why: string): string | undefined {
    const after = laneOf(record);
    if (after === before) return undefined;
    return `program ${short(hash)}: ${before} → ${after} (slow score ${record.slowScore.toFixed(2)}, ${why})`;
  }

  /**
   * A runtime ended for `limit` with these suspects. The only suspect is convicted (quarantine; refused
   * outright when its run had answered already). Several suspects each get a strike and start their
   * probation over; at STRIKES_TO_CONVICT strikes one is convicted too. Answers a line for the log.
   */
  blame(suspects: readonly Suspect[], limit: Limit): string {
    const hashes = [...new Set(suspects.map((suspect) => suspect.hash))];
    if (hashes.length === 0) return "no program to blame";
    const [only] = hashes;
    if (hashes.length === 1 && only !== undefined) {
      const record = this.#use(only);
      const again = record.convicted !== undefined;
      record.convicted = limit;
      const answered = suspects.some((suspect) => suspect.answered);
      if (answered) record.banned = limit;
      return `program ${short(only)} ${again ? "in quarantine already" : "convicted: quarantine"}${answered ? ", and refused from now on (it ran away after answering)" : ""}`;
    }
    return `${hashes.length} suspects (${hashes.map(short).join(", ")}) back to probation${this.#strike(hashes, limit)}`;
  }

  /**
   * Programs whose runs had entered and were waiting (a timer, a fetch) when another run's loop ended
   * their runtime: sent again, not failed, but struck. A program that loops after an await while
   * another run enters is blamed on that run; its own strikes convict it at STRIKES_TO_CONVICT. At most
   * one of them can be that loop, so they share one strike: in a busy lane dozens of runs have entered
   * and are not answered yet when a loop takes its thread, and a full strike each convicted programs
   * that only stood by (the bench's mixed load, 2026-11-24). A lone waiter still gets all of it.
   */
  strikeBeside(hashes: readonly string[], limit: Limit): string {
    const unique = [...new Set(hashes)];
    if (unique.length === 0) return "";
    const share = unique.length === 1 ? "" : ` 1/${unique.length} of a strike each`;
    return `; ${unique.length} waiting beside it struck${share} (${unique.map(short).join(", ")})${this.#strike(unique, limit, 1 / unique.length)}`;
  }

  #strike(hashes: readonly string[], limit: Limit, weight = 1): string {
    const convicted: string[] = [];
    for (const hash of hashes) {
      const record = this.#use(hash);
      record.strikes += weight;
      record.cleanRuns = 0;
      // Shares of a strike add up to a little less than a whole one in floating point.
      if (record.strikes >= STRIKES_TO_CONVICT - 1e-9 && !record.convicted) {
        record.convicted = limit;
        convicted.push(short(hash));
      }
    }
    return convicted.length ? `; convicted at ${STRIKES_TO_CONVICT} strikes: ${convicted.join(", ")}` : "";
  }

  /** The program's record, made if new, and moved to the most recently used end. */
  #use(hash: string): ProgramRecord {
    let record = this.#records.get(hash);
    if (record) {
      this.#records.delete(hash);
    } else {
      record = {
        cleanRuns: 0,
        answered: 0,
        slowScore: 0,
        judgedAt: 0,
        heavy: false,
        strikes: 0,
        convicted: undefined,
        banned: undefined,
        lane: undefined,
      };
      while (this.#records.size >= this.#max) {
        const oldest = this.#records.keys().next().value;
        if (oldest === undefined) break;
        this.#records.delete(oldest);
      }
    }
    this.#records.set(hash, record);
    return record;
  }
}
