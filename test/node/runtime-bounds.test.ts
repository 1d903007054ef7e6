import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { laneOfProcess } from "../../scripts/sandbox/lane-label.ts";
import { DATA_LIMIT_MB, MAX_RUNTIMES, MAX_RUNTIMES_PER_LANE, RSS_BOUND_MB } from "../../scripts/sandbox/limits.ts";
import type { ErrorAnswer, SubmitAnswer } from "../../src/base/answers.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";
import { isAlive, listeningPorts, postRunReports } from "../support/node/processes.ts";

/** Every answer in this file must arrive within this: a hang is the failure being tested for. */
const NEVER_HANG_MS = 10_000;
/**
 * The recycle threshold of this file's dev line (PROMPTLOG_RECYCLE_RSS_MB): a fresh runtime is at about
 * 70 MiB, so a program holding 100 MiB or more has its runtime replaced, and then drained, under it.
 */
const RECYCLE_AT_MB = 160;
const MiB = 1024 * 1024;

// Every program here stops by itself: none attempts more than 3 GiB, and each loop is bounded
// (the busy loops are the exception: the supervisor must end them).
const PROGRAMS: Record<string, string> = {
  echo: "return prompt.toUpperCase();",
  /** 64 MiB ArrayBuffers, each touched, up to 3 GiB: outside the V8 heap, so no heap limit sees them. */
  bomb: `export default { async fetch() {
  const chunks = []; let total = 0;
  while (total < 3 * 1024 ** 3) {
    const chunk = new ArrayBuffer(64 * ${MiB}); new Uint8Array(chunk).fill(1); chunks.push(chunk); total += chunk.byteLength;
  }
  return new Response(String(total));
} }`,
  /** 32 MiB every 100 ms: past the recycle threshold at once, then it keeps growing in the drained runtime. */
  slowGrower: `export default { async fetch() {
  const chunks = []; let total = 0;
  while (total < 3 * 1024 ** 3) {
    const chunk = new ArrayBuffer(32 * ${MiB}); new Uint8Array(chunk).fill(1); chunks.push(chunk); total += chunk.byteLength;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return new Response(String(total));
} }`,
  /** Holds 128 MiB (its runtime is recycled), waits until it drains, then never yields. */
  drainedBusyLoop: `export default { async fetch() {
  const hold = new ArrayBuffer(128 * ${MiB}); new Uint8Array(hold).fill(1);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  while (hold.byteLength > 0) {}
  return new Response("unreachable");
} }`,
  /** A plain busy loop, for the serving runtime while another drains. */
  busyLoop: "export default { fetch() { while (true) {} } }",
  /** One allocation larger than all a runtime may have: the program's own RangeError, not the runtime's end. */
  tooLarge: "export default { fetch() { return new Response(String(new ArrayBuffer(2 * 1024 ** 3).byteLength)) } }",
  /** Prints what workerd prints when the kernel refuses it memory, without being short of any. */
  forged:
    "export default { fetch() { console.error('1 external/tcmalloc+/tcmalloc/internal/system_allocator.h:390] mprotect(0x7f0000000000, 67108864) failed (Cannot allocate memory)'); return new Response('printed') } }",
  ...Object.fromEntries(
    [1, 2, 3, 4].map((n) => [
      `holder${n}`,
      // Holds 100 MiB for 3 s: each one alone pushes a fresh runtime past the recycle threshold, and
      // keeps the runtime it ran in draining for 3 s.
      `export default { async fetch() {
  const hold = new ArrayBuffer(100 * ${MiB}); new Uint8Array(hold).fill(${n});
  await new Promise((resolve) => setTimeout(resolve, 3000));
  return new Response(String(hold.byteLength / ${MiB}));
} }`,
    ]),
  ),
};

/**
 * What the sandbox runtimes were doing, sampled every 50 ms: how many (in all, and in any one lane), and
 * their resident memory. Every program here but echo is run at most a few times, so it runs in the
 * probation lane (echo, run again and again, may move to the trusted one).
 */
interface Window {
  readonly started: number;
  /** Runtimes alive at once, in all lanes. */
  maxCount: number;
  /** Runtimes alive at once in one lane. */
  maxInLane: number;
  peakRssMib: number;
  /** Milliseconds after the window opened when a second runtime in one lane was first seen. */
  secondAt: number | undefined;
}

describe("sandbox runtimes stay bounded on the README's dev line", () => {
  const server = devLineForSuite({ PROMPTLOG_RECYCLE_RSS_MB: String(RECYCLE_AT_MB) });
  const urls: Record<string, string> = {};
  const all: Window = { started: Date.now(), maxCount: 0, maxInLane: 0, peakRssMib: 0, secondAt: undefined };
  const windows = new Set<Window>([all]);
  let sampler: NodeJS.Timeout | undefined;

  /** The sandbox workerd processes of this dev line (each runtime is one process), with their lanes. */
  function lanes(): { pid: number; lane: string }[] {
    return server
      .processes()
      .filter((process) => /workerd.* serve .*sandbox\.capnp/.test(process.args))
      .map((process) => ({ pid: process.pid, lane: laneOfProcess(process.pid) ?? "" }));
  }

  function runtimes(lane?: string): number[] {
    return lanes()
      .filter((runtime) => lane === undefined || runtime.lane === lane)
      .map((runtime) => runtime.pid);
  }

  /** The most runtimes alive in any one lane. */
  function mostInALane(all: { lane: string }[]): number {
    const counts = new Map<string, number>();
    for (const { lane } of all) counts.set(lane, (counts.get(lane) ?? 0) + 1);
    return Math.max(0, ...counts.values());
  }

  function status(pid: number, field: string): number {
    try {
      const text = readFileSync(`/proc/${pid}/status`, "utf8");
      return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(text)?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  }

  function sample() {
    const alive = lanes();
    const inALane = mostInALane(alive);
    const rss = Math.max(0, ...alive.map(({ pid }) => status(pid, "VmRSS")));
    for (const window of windows) {
      window.maxCount = Math.max(window.maxCount, alive.length);
      window.maxInLane = Math.max(window.maxInLane, inALane);
      window.peakRssMib = Math.max(window.peakRssMib, rss);
      if (inALane >= 2) window.secondAt ??= Date.now() - window.started;
    }
  }

  /** Runs `body` while watching the runtimes; the window reports what was seen meanwhile. */
  async function watched<T>(body: () => Promise<T>): Promise<[T, Window]> {
    const window: Window = { started: Date.now(), maxCount: 0, maxInLane: 0, peakRssMib: 0, secondAt: undefined };
    windows.add(window);
    try {
      return [await body(), window];
    } finally {
      sample();
      windows.delete(window);
    }
  }

  const call = (path: string, init?: RequestInit) => server.call(path, init, NEVER_HANG_MS);

  const run = (name: string, query = "") => call(`${urls[name] ?? ""}${query}`);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Waits until each lane has one runtime left, and echo answers: the previous test's runtimes are gone. */
  async function settle() {
    const started = performance.now();
    for (;;) {
      if (mostInALane(lanes()) === 1 && (await run("echo", "?prompt=calm")).text === '"CALM"') return;
      if (performance.now() - started > 35_000)
        throw new Error(`still ${mostInALane(lanes())} runtimes in a lane after 35 s`);
      await sleep(100);
    }
  }

  function expectBounded(window: Window) {
    expect(window.maxInLane).toBeLessThanOrEqual(MAX_RUNTIMES_PER_LANE);
    expect(window.maxCount).toBeLessThanOrEqual(MAX_RUNTIMES);
  }

  /** Time until the playground and a normal program answer again, polled as a user would. */
  async function timeToRecovery(): Promise<number> {
    const started = performance.now();
    for (;;) {
      const page = await call("/");
      const echo = await run("echo", "?prompt=back");
      if (page.status === 200 && echo.status === 200 && echo.text === '"BACK"') {
        return Math.round(performance.now() - started);
      }
      if (performance.now() - started > NEVER_HANG_MS) throw new Error(`not back after ${NEVER_HANG_MS} ms`);
      await sleep(50);
    }
  }

  function expectLimit(answer: { status: number; text: string }, limit: "memory" | "cpuMs") {
    expect(answer.status, answer.text).toBe(503);
    expect((JSON.parse(answer.text) as ErrorAnswer).error).toMatchObject({ code: "limit_exceeded", limit });
  }

  beforeAll(async () => {
    for (const [name, code] of Object.entries(PROGRAMS)) {
      const response = await call("/submit", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code }),
      });
      expect(response.status, response.text).toBeLessThan(300);
      urls[name] = (JSON.parse(response.text) as SubmitAnswer).url;
    }
    sampler = setInterval(sample, 50);
  }, 120_000);

  afterAll(() => clearInterval(sampler));

  it("runs each sandbox runtime under the kernel's data limit", async () => {
    await settle();
    const pids = runtimes();
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) {
      const limits = readFileSync(`/proc/${pid}/limits`, "utf8");
      const [soft, hard] = /Max data size\s+(\d+)\s+(\d+)/.exec(limits)?.slice(1).map(Number) ?? [];
      expect(soft).toBe(DATA_LIMIT_MB * MiB);
      expect(hard).toBe(DATA_LIMIT_MB * MiB);
    }
  });

  it("answers a 3 GiB ArrayBuffer bomb with the memory limit error, within the bound, and keeps serving", async () => {
    await settle();
    const [[bomb, [page, echo]], window] = await watched(() =>
      Promise.all([run("bomb"), sleep(150).then(() => Promise.all([call("/"), run("echo", "?prompt=during")]))]),
    );
    expectLimit(bomb, "memory");
    expect(page.status).toBe(200);
    if (echo.status !== 200) expectLimit(echo, "memory");
    expect(window.peakRssMib).toBeLessThanOrEqual(RSS_BOUND_MB);
    expectBounded(window);
    const recovery = await timeToRecovery();
    console.log(
      `ArrayBuffer bomb: ${bomb.status} after ${bomb.ms} ms, peak runtime RSS ${Math.round(window.peakRssMib)} MiB (bound ${RSS_BOUND_MB}), back ${recovery} ms later`,
    );
  });

  it("answers a program that keeps growing in a draining runtime with the memory limit error", async () => {
    await settle();
    const [grower, window] = await watched(() => run("slowGrower"));
    expectLimit(grower, "memory");
    expect(grower.ms).toBeLessThan(NEVER_HANG_MS);
    // A second runtime came while the program ran: the program's own runtime was being drained.
    expect(window.secondAt).toBeDefined();
    expect(window.peakRssMib).toBeLessThanOrEqual(RSS_BOUND_MB);
    expectBounded(window);
    console.log(
      `slow grower while draining: ${grower.status} after ${grower.ms} ms (recycled after ${window.secondAt} ms), peak RSS ${Math.round(window.peakRssMib)} MiB`,
    );
    await timeToRecovery();
  });

  it("answers a busy loop in a draining runtime with the CPU limit error", async () => {
    await settle();
    const [[busy, [page, echo]], window] = await watched(() =>
      Promise.all([
        run("drainedBusyLoop"),
        sleep(2_000).then(() => Promise.all([call("/"), run("echo", "?prompt=during")])),
      ]),
    );
    expectLimit(busy, "cpuMs");
    expect(busy.ms).toBeLessThan(NEVER_HANG_MS);
    // The runtime was replaced (and drained) before the loop began, 1.5 s into the run.
    expect(window.secondAt).toBeLessThan(1_500);
    // Meanwhile the fresh runtime serves everyone else.
    expect(page.status).toBe(200);
    expect(echo.text).toBe('"DURING"');
    expectBounded(window);
    console.log(`busy loop while draining: ${busy.status} after ${busy.ms} ms (recycled after ${window.secondAt} ms)`);
    await timeToRecovery();
  });

  it(`never has more than ${MAX_RUNTIMES_PER_LANE} runtimes alive in a lane while programs keep recycled runtimes draining`, async () => {
    await settle();
    const [holders, window] = await watched(() =>
      Promise.all(
        ([1, 2, 3, 4] as const).map(async (n) => {
          await sleep((n - 1) * 600);
          return run(`holder${n}`);
        }),
      ),
    );
    // Each held its memory to the end and answered: a draining runtime finishes its runs.
    for (const holder of holders) expect(holder.text).toBe("100");
    expect(window.secondAt).toBeDefined();
    expectBounded(window);
    expect(window.peakRssMib).toBeLessThanOrEqual(RSS_BOUND_MB);
    console.log(
      `4 holders: at most ${window.maxInLane} runtimes in a lane (${window.maxCount} in all), peak RSS ${Math.round(window.peakRssMib)} MiB`,
    );
  });

  it("answers a busy loop in the serving runtime while another drains, without a third runtime", async () => {
    await settle();
    const [[holder, busy], window] = await watched(() =>
      Promise.all([run("holder1"), sleep(600).then(() => run("busyLoop"))]),
    );
    expect(holder.text).toBe("100");
    expectLimit(busy, "cpuMs");
    expect(window.secondAt).toBeLessThan(600);
    expectBounded(window);
    console.log(
      `busy loop while another drains: ${busy.status} after ${busy.ms} ms, at most ${window.maxInLane} runtimes in a lane`,
    );
    await timeToRecovery();
  });

  it("answers one allocation larger than all a runtime may have with the program's RangeError, and keeps the runtime", async () => {
    await settle();
    // tooLarge is new: it runs in the probation lane, whose runtime must stay.
    const before = runtimes("probation");
    const tooLarge = await run("tooLarge");
    expect(tooLarge.status).toBe(502);
    expect(JSON.parse(tooLarge.text)).toMatchObject({
      error: { code: "program_exception", message: expect.stringMatching(/RangeError/) },
    });
    expect((await run("echo", "?prompt=same")).text).toBe('"SAME"');
    expect(runtimes("probation")).toEqual(before);
  });

  it("does not let a program end its runtime by printing what an allocation failure prints", async () => {
    await settle();
    const before = runtimes("probation");
    expect((await run("forged")).text).toBe("printed");
    await sleep(300);
    expect((await run("echo", "?prompt=same")).text).toBe('"SAME"');
    expect(runtimes("probation")).toEqual(before);
  });

  it("lets a replaced runtime go once its runs are over, though a run's end was reported before its start", async () => {
    await settle();
    const [old] = runtimes("probation");
    const report = async (report: Record<string, unknown>) =>
      expect(await postRunReports(server.processes(), JSON.stringify({ reports: [report] }))).toBe(204);
    // The app reports in batches, each a request of its own: a later one may arrive first.
    const runId = crypto.randomUUID();
    await report({ kind: "answered", runId, at: Date.now(), wallMs: 1 });
    await report({ kind: "started", runId, hash: "cd".repeat(32), port: listeningPorts(old ?? 0)[0], at: Date.now() });
    // holder1 takes its runtime past the recycle threshold, and keeps it draining until it answers.
    expect((await run("holder1")).text).toBe("100");
    const answeredAt = performance.now();
    while (isAlive(old ?? 0) && performance.now() - answeredAt < 10_000) await sleep(50);
    // Before, the run counted from its start alone held the runtime for the whole drain (30 s).
    expect(isAlive(old ?? 0)).toBe(false);
  });

  it("kept every runtime under the bound, and at most the maximum alive, all along", async () => {
    await settle();
    // Some lane had a second runtime (a recycle, a replacement), and none ever had more.
    expect(all.maxInLane).toBe(MAX_RUNTIMES_PER_LANE);
    expectBounded(all);
    expect(all.peakRssMib).toBeLessThanOrEqual(RSS_BOUND_MB);
    console.log(
      `all along: at most ${all.maxInLane} runtimes in a lane, ${all.maxCount} in all, peak RSS ${Math.round(all.peakRssMib)} MiB`,
    );
  });
});
