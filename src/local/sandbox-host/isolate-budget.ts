import type { IsolateReuse } from "../../sandbox/execute";

/**
 * Isolates kept for later runs (LOADER.get, never evicted locally): 3–4 MiB of writable memory each,
 * measured with small programs. workerd needs about 545 MiB of the kernel's 1,024 MiB data limit to
 * start (scripts/sandbox/limits.ts). 400 new programs run at once, three times over, brought a runtime
 * keeping 80 to about 900 MiB at its peak, with the isolates being built besides.
 */
export const MAX_KEPT_ISOLATES = 80;
/**
 * Isolates being built or run once at the same moment (a program's first run, a run past the kept ones,
 * a program with network): 2–2.5 MiB each while they live. Without a bound, 200 distinct programs run
 * at once took a runtime past the data limit, and every run in it failed. The runs past it wait their
 * turn; on 2 cores more at once would not be faster.
 */
export const MAX_BUILDING = 12;

/**
 * How long a building place is held at most before it goes to the next run in line: a quick run is
 * over well within it (a cold run takes 5–20 ms here), and a burst waits at most this long per place.
 */
export const LEND_AFTER_MS = 2_000;

/** How often, at most, the last in line for a building place looks whether one is free (the first: every 1 ms). */
const MAX_LOOK_MS = 50;

/** A run in line that has not looked for a place for this long is gone (its request was cancelled). */
const GONE_AFTER_MS = 1_000;

/** What a run needs: the kind of isolate, and whether it must hold a building place while it runs. */
export interface IsolatePlan {
  readonly reuse: IsolateReuse;
  readonly builds: boolean;
}

/**
 * Bounds a runtime's memory by what its isolates cost: how many it keeps, and how many it builds at once.
 * The count of kept isolates only grows (locally nothing evicts them); once it is full the runtime says
 * so on its health check, and the supervisor replaces it, as it does when its memory grows.
 */
export class IsolateBudget {
  /** Programs whose isolate was run or loaded here at least once: their next run keeps one. */
  private readonly seen = new Set<string>();
  private readonly kept = new Set<string>();
  /** Building places taken, each with when, oldest first. */
  private readonly held = new Set<{ readonly since: number }>();
  /** Runs waiting for a place, in turn. */
  private readonly waiting: { lookedAt: number }[] = [];

  constructor(
    private readonly maxKept = MAX_KEPT_ISOLATES,
    private readonly maxBuilding = MAX_BUILDING,
    /** `seen` forgets everything past this many programs (the kept ones stay kept). */
    private readonly maxSeen = 100_000,
  ) {}

  /** Keeps no more isolates: the runtime is being replaced. */
  private retiring = false;

  get full(): boolean {
    return this.retiring || this.kept.size >= this.maxKept;
  }

  /**
   * The runtime is being replaced: what it still runs (until the fresh one serves, then while it drains)
   * runs in throwaway isolates, bounded by the building places, so a burst sent to it meanwhile cannot
   * take it to its data limit.
   */
  stopKeeping() {
    this.retiring = true;
  }

  isKept(id: string): boolean {
    return this.kept.has(id);
  }

  /**
   * A run of isolate `id`: its kept isolate; else, the first time, a throwaway one (a program run once
   * costs nothing after); from the second, one kept for its later runs, while there is room.
   */
  planRun(id: string, alwaysFresh = false): IsolatePlan {
    if (alwaysFresh) return { reuse: "fresh", builds: true };
    if (this.kept.has(id)) return { reuse: "cached", builds: false };
    if (!this.seen.has(id)) {
      this.see(id);
      return { reuse: "fresh", builds: true };
    }
    if (this.full) return { reuse: "fresh", builds: true };
    this.kept.add(id);
    return { reuse: "cached", builds: true };
  }

  /** Loading `id` ahead of its first run keeps its isolate: false when there is no room for it. */
  keepAhead(id: string): boolean {
    if (this.kept.has(id)) return true;
    if (this.full) return false;
    this.see(id);
    this.kept.add(id);
    return true;
  }

  /**
   * A building place, in turn: call what it resolves to once the isolate's run is over (more calls do
   * nothing). A place held for `lendAfterMs` goes to the next in line anyway: a slow program (one
   * awaiting a timer, say) must not make the others wait for it. A burst of quick runs stays bounded.
   *
   * A waiting run looks again on a timer of its own, the farther back in line the less often: workerd
   * cancels a request that waits only on a promise another request would settle ("would never
   * generate a response"), and runs the settling request's continuation in the wrong context.
   */
  async building(lendAfterMs = LEND_AFTER_MS): Promise<() => void> {
    if (this.waiting.length > 0 || !this.take(0, lendAfterMs)) {
      const ticket = { lookedAt: Date.now() };
      this.waiting.push(ticket);
      for (;;) {
        await scheduler.wait(Math.min(MAX_LOOK_MS, 1 + Math.max(0, this.waiting.indexOf(ticket))));
        ticket.lookedAt = Date.now();
        this.dropGoneFromFront();
        // Taken for gone (its thread was too busy for its timer): it joins the line again.
        if (!this.waiting.includes(ticket)) this.waiting.push(ticket);
        const at = this.waiting.indexOf(ticket);
        if (this.take(at, lendAfterMs)) {
          this.waiting.splice(at, 1);
          break;
        }
      }
    }
    const holder = { since: Date.now() };
    this.held.add(holder);
    return () => void this.held.delete(holder);
  }

  /**
   * A run whose request went away (its client left) stops looking, and its place in line would block
   * the runs behind it for good: one that has not looked for a while is dropped. Only the front counts.
   */
  private dropGoneFromFront() {
    const now = Date.now();
    for (let at = 0; at < Math.min(this.maxBuilding, this.waiting.length); ) {
      if (now - (this.waiting[at]?.lookedAt ?? now) > GONE_AFTER_MS) this.waiting.splice(at, 1);
      else at++;
    }
  }

  /** Whether a place is free for the run `at` that place in line: in turn, the oldest held lent to the first when held too long. */
  private take(at: number, lendAfterMs: number): boolean {
    if (at < this.maxBuilding - this.held.size) return true;
    if (at > 0) return false;
    const oldest = this.held.values().next().value;
    if (!oldest || Date.now() - oldest.since < lendAfterMs) return false;
    this.held.delete(oldest);
    return true;
  }

  private see(id: string) {
    if (this.seen.size >= this.maxSeen) this.seen.clear();
    this.seen.add(id);
  }
}

/** The answer, with `release` called once its body has gone out or been dropped (more calls do nothing). */
export function releasedWithBody(response: Response, release: () => void): Response {
  if (!response.body) {
    release();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    async cancel(reason) {
      release();
      await reader.cancel(reason);
    },
  });
  return new Response(body, response);
}
