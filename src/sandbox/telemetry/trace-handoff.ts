import type { RunTrace } from "../sandbox";

/**
 * Where the tail lands, as far as this isolate has seen: "here" once a console it was waiting for
 * arrived in this isolate, "elsewhere" once one it waited for in vain was found in the mailbox.
 */
type Landing = "unknown" | "here" | "elsewhere";

const FIRST_LOOK_MS = 2;
const LONGEST_LOOK_MS = 100;

/**
 * An isolate's inbox of run traces, for the runs it started: the recorder takes each from memory.
 * In production the tail offers consoles here when it runs in the same isolate, which is how workerd
 * runs a loopback tail (ctx.exports.RunTail), so the run-log mailbox is asked only when the tail ran
 * in another isolate; under bun dev the sandbox runtime's traces arrive here in batches
 * (src/local/trace-inbox.ts). A run not expected here (another isolate's, or one its recorder
 * stopped waiting for) is refused, and goes its other way.
 */
export class TraceHandoff {
  private readonly expected = new Set<string>();
  private readonly arrived = new Map<string, RunTrace>();
  private landing: Landing = "unknown";
  private readonly maxExpected: number;

  constructor(maxExpected = 10_000) {
    this.maxExpected = maxExpected;
  }

  /** Whether consoles are worth waiting for here (not once they are known to land elsewhere). */
  get useful(): boolean {
    return this.landing !== "elsewhere";
  }

  /** A run started in this isolate whose console its recorder will ask for. */
  expect(runId: string): void {
    if (!this.useful) return;
    // Runs whose console nobody took (their recorder was cut off) are forgotten, oldest first.
    if (this.expected.size >= this.maxExpected) {
      const oldest = this.expected.values().next().value;
      if (oldest !== undefined) this.forget(oldest);
    }
    this.expected.add(runId);
  }

  /** True when this isolate expects the run (its trace is kept here), false if not. */
  offer(runId: string, trace: RunTrace): boolean {
    if (!this.expected.has(runId)) return false;
    this.landing = "here";
    this.arrived.set(runId, trace);
    return true;
  }

  /**
   * The run's trace if it arrives here within waitMs; null when it was expected here and did not
   * arrive (should it still come, it is the mailbox's), undefined when it was never expected here.
   * Taken once.
   */
  async take(runId: string, waitMs: number): Promise<RunTrace | null | undefined> {
    if (!this.expected.has(runId)) return undefined;
    // The tail runs as its own request, which may not settle a promise of this one (workerd refuses
    // I/O across requests): this request looks again, sooner at first (a tail lands within ms).
    const deadline = Date.now() + waitMs;
    for (let step = FIRST_LOOK_MS; ; step = Math.min(step * 2, LONGEST_LOOK_MS)) {
      const ready = this.arrived.get(runId);
      if (ready || Date.now() >= deadline) {
        this.forget(runId);
        return ready ?? null;
      }
      await new Promise((resolve) => setTimeout(resolve, step));
    }
  }

  /** A console this isolate waited for was in the mailbox: tails land elsewhere, stop waiting here. */
  landedElsewhere(): void {
    if (this.landing === "unknown") this.landing = "elsewhere";
  }

  private forget(runId: string) {
    this.expected.delete(runId);
    this.arrived.delete(runId);
  }
}

/** The handoff of this isolate: the production tail and the production sandbox share it. */
export const traceHandoff = new TraceHandoff();
