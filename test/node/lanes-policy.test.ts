import { describe, expect, it } from "vitest";
import {
  HEAVY_SCORE,
  PROMOTE_AFTER_RUNS,
  SLOW_FACTOR,
  SLOW_RUN_MS,
  SLOW_SAMPLE_MS,
  STRIKES_TO_CONVICT,
} from "../../scripts/sandbox/limits.ts";
import { isSlow, laneOf, ProgramRecords } from "../../scripts/sandbox/records.ts";

/** The lane policy on its own (scripts/sandbox/records.ts): no process, no clock but the one passed in. */
describe("the sandbox lanes' policy", () => {
  const FAST = 5;
  const SLOW = 600;

  /** Runs `hash` `times` times, each `wallMs`, SLOW_SAMPLE_MS apart from `from`; answers the time after. */
  function runs(records: ProgramRecords, hash: string, times: number, wallMs: number, from = 0): number {
    let now = from;
    for (let n = 0; n < times; n++) {
      now += SLOW_SAMPLE_MS;
      records.ranNormally(hash, wallMs, FAST, now);
    }
    return now;
  }

  it("puts a program not seen yet, or a run without one, in probation", () => {
    const records = new ProgramRecords();
    expect(laneOf(undefined)).toBe("probation");
    expect(records.route(undefined).lane).toBe("probation");
    expect(records.route("a").lane).toBe("probation");
  });

  it(`promotes a program after ${PROMOTE_AFTER_RUNS} runs that ended normally: fast ones to trusted, slow ones to heavy`, () => {
    const records = new ProgramRecords();
    runs(records, "fast", PROMOTE_AFTER_RUNS - 1, FAST);
    expect(records.route("fast").lane).toBe("probation");
    runs(records, "fast", 1, FAST);
    expect(records.route("fast")).toMatchObject({ lane: "trusted", movedFrom: "probation" });
    expect(records.route("fast").movedFrom).toBeUndefined();
    runs(records, "slow", PROMOTE_AFTER_RUNS, SLOW);
    expect(records.route("slow").lane).toBe("heavy");
  });

  it("finds a program worth loading ahead only in a lane it earned (trusted, heavy) and has not run in yet", () => {
    const records = new ProgramRecords();
    expect(records.earnedNewLane("unknown")).toBe(false);
    for (const hash of ["fast", "slow", "loop"]) records.route(hash);
    runs(records, "fast", PROMOTE_AFTER_RUNS - 1, FAST);
    expect(records.earnedNewLane("fast")).toBe(false);
    runs(records, "fast", 1, FAST);
    expect(records.earnedNewLane("fast")).toBe(true);
    records.route("fast");
    expect(records.earnedNewLane("fast")).toBe(false);
    runs(records, "slow", PROMOTE_AFTER_RUNS, SLOW);
    expect(records.earnedNewLane("slow")).toBe(true);
    records.blame([{ hash: "loop", answered: false }], "cpu");
    expect(records.earnedNewLane("loop")).toBe(false);
  });

  it("counts a run toward promotion only once it is over (its console came back), not when it answers", () => {
    const records = new ProgramRecords();
    for (let n = 1; n <= PROMOTE_AFTER_RUNS; n++) records.answered("sneaky", FAST, FAST, n * SLOW_SAMPLE_MS);
    // Answered fast, but perhaps still running (ctx.waitUntil): not proven yet.
    expect(records.route("sneaky").lane).toBe("probation");
    for (let n = 1; n <= PROMOTE_AFTER_RUNS; n++) records.finished("sneaky");
    expect(records.route("sneaky").lane).toBe("trusted");
  });

  it("judges slowness against the runtime: when every run is slow, the runtime is busy, not the program", () => {
    expect(isSlow(SLOW_RUN_MS - 1, 1)).toBe(false);
    expect(isSlow(SLOW_RUN_MS, 1)).toBe(true);
    // Runs here take 80 ms lately: 150 ms is not slow for this runtime, and nothing past the cap is fast.
    expect(isSlow(150, 80)).toBe(false);
    expect(isSlow(SLOW_FACTOR * SLOW_RUN_MS, 10_000)).toBe(true);
  });

  it("judges a program's burst of stalled runs once, and sends it to heavy only when slow runs recur", () => {
    const records = new ProgramRecords();
    let now = runs(records, "busy", PROMOTE_AFTER_RUNS, FAST);
    // Twenty runs stalled together by something else: one judgement.
    for (let n = 0; n < 20; n++) records.ranNormally("busy", SLOW, FAST, now + 1 + n);
    expect(records.route("busy").lane).toBe("trusted");
    now = runs(records, "busy", 10, FAST, now + 20);
    // A program that is slow again and again goes.
    runs(records, "busy", 2, SLOW, now);
    expect(records.route("busy").lane).toBe("heavy");
  });

  it("catches a program that is slow one run in four, and lets a reformed one come back", () => {
    const records = new ProgramRecords();
    let now = runs(records, "sly", PROMOTE_AFTER_RUNS, FAST);
    for (let round = 0; round < 6; round++) {
      now = runs(records, "sly", 3, FAST, now);
      now = runs(records, "sly", 1, SLOW, now);
    }
    expect(records.get("sly")?.slowScore).toBeGreaterThanOrEqual(HEAVY_SCORE);
    expect(records.route("sly").lane).toBe("heavy");
    runs(records, "sly", 40, FAST, now);
    expect(records.route("sly").lane).toBe("trusted");
  });

  it("convicts the only suspect of a runtime's end, and refuses one that ran away after answering", () => {
    const records = new ProgramRecords();
    runs(records, "loop", PROMOTE_AFTER_RUNS, FAST);
    expect(records.blame([{ hash: "loop", answered: false }], "cpu")).toMatch(/convicted/);
    expect(records.route("loop")).toMatchObject({ lane: "quarantine", banned: undefined });
    records.blame(
      [
        { hash: "sneaky", answered: true },
        { hash: "sneaky", answered: false },
      ],
      "cpu",
    );
    expect(records.route("sneaky")).toMatchObject({ lane: "quarantine", banned: "cpu" });
  });

  it(`sends several suspects back to probation, and convicts one at ${STRIKES_TO_CONVICT} strikes`, () => {
    const records = new ProgramRecords();
    runs(records, "a", PROMOTE_AFTER_RUNS, FAST);
    runs(records, "b", PROMOTE_AFTER_RUNS, FAST);
    const both = [
      { hash: "a", answered: false },
      { hash: "b", answered: false },
    ];
    records.blame(both, "memory");
    expect(records.route("a").lane).toBe("probation");
    expect(records.route("b").lane).toBe("probation");
    runs(records, "a", PROMOTE_AFTER_RUNS, FAST);
    expect(records.route("a").lane).toBe("trusted");
    for (let strike = 1; strike < STRIKES_TO_CONVICT; strike++) records.blame(both, "memory");
    expect(records.route("a")).toMatchObject({ lane: "quarantine", banned: undefined });
  });

  it(`strikes a program waiting beside another's loop, and convicts it at ${STRIKES_TO_CONVICT} strikes (a loop after an await frames whoever entered next)`, () => {
    const records = new ProgramRecords();
    runs(records, "waiter", PROMOTE_AFTER_RUNS, FAST);
    expect(records.strikeBeside([], "cpu")).toBe("");
    expect(records.strikeBeside(["waiter", "waiter"], "cpu")).toMatch(/1 waiting beside it struck/);
    expect(records.route("waiter").lane).toBe("probation");
    for (let strike = 1; strike < STRIKES_TO_CONVICT; strike++) records.strikeBeside(["waiter"], "cpu");
    expect(records.route("waiter")).toMatchObject({ lane: "quarantine", banned: undefined });
  });

  it("shares one strike among the programs waiting beside a loop: a busy lane's bystanders are not convicted", () => {
    const records = new ProgramRecords();
    // A lane under load: thirty programs' runs had entered and were not answered yet each time one of
    // five loops took its thread. At most one of them could be a loop after an await.
    const bystanders = Array.from({ length: 30 }, (_, n) => `bystander-${n}`);
    for (let loop = 0; loop < 5; loop++) expect(records.strikeBeside(bystanders, "cpu")).toMatch(/30 waiting beside/);
    for (const hash of bystanders) expect(records.route(hash).lane).toBe("probation");
    // Two waiting beside each time: half a strike each, convicted after twice the loops.
    for (let loop = 0; loop < 2 * STRIKES_TO_CONVICT - 1; loop++) records.strikeBeside(["a", "b"], "cpu");
    expect(records.route("a").lane).toBe("probation");
    records.strikeBeside(["a", "b"], "cpu");
    expect(records.route("a").lane).toBe("quarantine");
    expect(records.route("b").lane).toBe("quarantine");
  });

  it("remembers at most its bound of programs, forgetting the one run least recently", () => {
    const records = new ProgramRecords(3);
    for (const hash of ["a", "b", "c"]) runs(records, hash, PROMOTE_AFTER_RUNS, FAST);
    records.route("a");
    records.route("d");
    expect(records.size).toBe(3);
    expect(records.get("b")).toBeUndefined();
    expect(records.route("a").lane).toBe("trusted");
  });
});
