import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { visitorCookie } from "../../scripts/dev-line/dev-server.ts";
import { laneOfProcess } from "../../scripts/sandbox/lane-label.ts";
import { PROMOTE_AFTER_RUNS } from "../../scripts/sandbox/limits.ts";
import type { ErrorAnswer, SubmitAnswer } from "../../src/base/answers.ts";
import { PREPARE_RUN } from "../../src/sandbox/telemetry/run-marker.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";

/** Every answer in this file must arrive within this: a hang is the failure being tested for. */
const NEVER_HANG_MS = 10_000;
/** No loop here sends more than this many runs. */
const MAX_RUNS = 400;
const MiB = 1024 * 1024;

/**
 * The supervisor's lanes on the README's dev line, with real processes: which runtime a program runs
 * in follows from its record, and a runaway or a heavy program never shares a runtime with a program
 * that has a clean record. Nothing here asserts a latency.
 */
describe("lanes of sandbox runtimes on the README's dev line", () => {
  // Hundreds of runs from one visitor within seconds: far past the per-visitor limits, on purpose.
  const server = devLineForSuite({ PROMPTLOG_RATE_LIMITS: "off" });

  async function call(path: string, init?: RequestInit) {
    const response = await fetch(`${server.origin}${path}`, {
      ...init,
      headers: { cookie: server.cookie, ...init?.headers },
      signal: AbortSignal.timeout(NEVER_HANG_MS),
    });
    return { status: response.status, text: await response.text(), runId: response.headers.get("x-run-id") };
  }

  async function submit(code: string): Promise<string> {
    const response = await call("/submit", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: `${code}\n// ${crypto.randomUUID()}` }),
    });
    expect([200, 201]).toContain(response.status);
    return (JSON.parse(response.text) as SubmitAnswer).url;
  }

  /** The sandbox runtimes of one lane now (their pids). */
  function lane(name: string): number[] {
    return server
      .processes()
      .filter((process) => /workerd.* serve .*sandbox\.capnp/.test(process.args))
      .map((process) => process.pid)
      .filter((pid) => laneOfProcess(pid) === name);
  }

  /** CPU time a process has used, in clock ticks (utime + stime of /proc/<pid>/stat); 0 once gone. */
  function cpuTicks(pid: number): number {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return Number(fields[11]) + Number(fields[12]);
    } catch {
      return 0;
    }
  }

  function expectLimit(answer: { status: number; text: string }, limit: "cpuMs" | "memory") {
    expect(answer.status, answer.text).toBe(503);
    expect((JSON.parse(answer.text) as ErrorAnswer).error).toMatchObject({ code: "limit_exceeded", limit });
  }

  /** A well-behaved program with a clean record: run until it has left probation, and once in its lane. */
  async function trustedProgram(): Promise<string> {
    const url = await submit(
      'export default { fetch(req) { return new Response("fine " + new URL(req.url).searchParams.get("q")) } }',
    );
    for (let run = 0; run <= PROMOTE_AFTER_RUNS; run++) expect((await call(`${url}?q=${run}`)).status).toBe(200);
    // Promotion follows each run's trace, which comes just after its answer (later on a loaded machine):
    // give it that time, then run once more so the program's isolate is loaded in the trusted lane.
    for (let wait = 0; wait < 40 && lane("trusted").length === 0; wait++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect((await call(`${url}?q=wait`)).status).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await call(`${url}?q=last`)).status).toBe(200);
    return url;
  }

  /** Runs `url` from `loops` loops until `stop()` says so; answers every answer that was not the expected one. */
  async function trafficUntil(url: string, stop: () => boolean, loops = 4, pauseMs = 0, maxRuns = MAX_RUNS) {
    let runs = 0;
    const wrong: string[] = [];
    await Promise.all(
      Array.from({ length: loops }, async () => {
        while (!stop() && runs < maxRuns) {
          runs++;
          const answer = await call(`${url}?q=x`);
          if (answer.status !== 200 || answer.text !== "fine x") wrong.push(`${answer.status} ${answer.text}`);
          if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
      }),
    );
    return { runs, wrong };
  }

  /** Runs the trusted program from four loops while `runaway` runs once; answers both sides. */
  async function besideRunaway(trusted: string, runaway: string) {
    let over = false;
    const traffic = trafficUntil(trusted, () => over);
    const answer = await call(runaway).finally(() => {
      over = true;
    });
    return { answer, ...(await traffic) };
  }

  it("keeps a trusted program's concurrent runs whole while a busy loop wedges the probation lane", async () => {
    const trusted = await trustedProgram();
    const [trustedPid] = lane("trusted");
    expect(trustedPid).toBeDefined();
    const busy = await submit("export default { fetch() { while (true) {} } }");
    const { answer, runs, wrong } = await besideRunaway(trusted, busy);
    expectLimit(answer, "cpuMs");
    expect(wrong).toEqual([]);
    // The trusted program kept running all through the wedge, in the same runtime.
    expect(runs).toBeGreaterThan(8);
    expect(lane("trusted")).toContain(trustedPid);
  });

  it("answers a new program's runs that reached probation behind another's busy loop: run again, not failed", async () => {
    const newcomer = await submit(
      'export default { fetch(req) { return new Response("fine " + new URL(req.url).searchParams.get("q")) } }',
    );
    const busy = await submit("export default { fetch() { while (true) {} } }");
    const runaway = call(busy);
    // Well after the loop has the runtime's thread (and its last health answer): these runs cannot
    // have started before the runtime is replaced.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const queued = await Promise.all(Array.from({ length: 4 }, (_, n) => call(`${newcomer}?q=${n}`)));
    expectLimit(await runaway, "cpuMs");
    expect(queued.map((answer) => `${answer.status} ${answer.text}`)).toEqual([
      "200 fine 0",
      "200 fine 1",
      "200 fine 2",
      "200 fine 3",
    ]);
  });

  it("answers the runs waiting in probation when another's busy loop took it, and convicts the loop alone", async () => {
    const waiter = await submit(`export default { async fetch(req) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return new Response("waited " + new URL(req.url).searchParams.get("q"));
    } }`);
    const busy = await submit("export default { fetch() { while (true) {} } }");
    // These runs have started (each awaits its timer) when the loop takes the runtime's thread: without
    // telling which run entered last, all five were blamed, and the four waiters failed with its limit.
    const waiting = Array.from({ length: 4 }, (_, n) => call(`${waiter}?q=${n}`));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expectLimit(await call(busy), "cpuMs");
    expect((await Promise.all(waiting)).map((answer) => `${answer.status} ${answer.text}`)).toEqual([
      "200 waited 0",
      "200 waited 1",
      "200 waited 2",
      "200 waited 3",
    ]);
    // The loop alone was to blame: convicted at once, its next run wedges quarantine, not probation
    // (and the waiter, not blamed, stays where it was).
    const probation = lane("probation");
    expectLimit(await call(busy), "cpuMs");
    expect(lane("probation")).toEqual(probation);
    // Quarantine's runtime, replaced after the loop: its successor may start just after the answer.
    await expect.poll(() => lane("quarantine").length).toBeGreaterThan(0);
    expect((await call(`${waiter}?q=again`)).text).toBe("waited again");
  });

  /**
   * A program that prints the runner's marker line with an id of its choice (`idFor`, given the id of
   * a streaming run in flight), then loops: it alone is convicted, the streaming run's program never.
   */
  async function frameUp(idFor: (streamingRunId: string) => string) {
    const streamer = await submit(`export default { fetch() {
      const { readable, writable } = new TransformStream();
      const writer = writable.getWriter();
      writer.write(new TextEncoder().encode("streaming"));
      setTimeout(() => writer.close(), 4000);
      return new Response(readable);
    } }`);
    const framer = await submit(`export default { fetch(req) {
      console.debug("\\u2063promptlog-run", new URL(req.url).searchParams.get("id"));
      while (true) {}
    } }`);
    // A run in flight whose id its caller already knows: a streaming answer's x-run-id.
    const streaming = await fetch(`${server.origin}${streamer}`, {
      headers: { cookie: server.cookie },
      signal: AbortSignal.timeout(NEVER_HANG_MS),
    });
    const runId = streaming.headers.get("x-run-id");
    expect(runId).toMatch(/^[\w-]{8,}$/);
    expectLimit(await call(`${framer}?id=${encodeURIComponent(idFor(runId ?? ""))}`), "cpuMs");
    await streaming.text().catch(() => "");
    const short = (url: string) => url.slice("/run/".length, "/run/".length + 12);
    expect(server.output()).toContain(`program ${short(framer)} convicted: quarantine`);
    expect(server.output()).not.toContain(`program ${short(streamer)} convicted`);
  }

  it("convicts a busy loop that prints another run's marker, not the run it names", async () => {
    await frameUp((streamingRunId) => streamingRunId);
  });

  it("convicts a busy loop that prints a load's marker line, which enters no run", async () => {
    await frameUp(() => PREPARE_RUN);
  });

  it("keeps a trusted program's concurrent runs whole while an allocation bomb exhausts the probation lane", async () => {
    const trusted = await trustedProgram();
    const bomb = await submit(`export default { async fetch() {
  const chunks = []; let total = 0;
  while (total < 3 * 1024 ** 3) {
    const chunk = new ArrayBuffer(64 * ${MiB}); new Uint8Array(chunk).fill(1); chunks.push(chunk); total += chunk.byteLength;
  }
  return new Response(String(total));
} }`);
    const { answer, wrong } = await besideRunaway(trusted, bomb);
    expectLimit(answer, "memory");
    expect(wrong).toEqual([]);
  });

  it("quarantines a program that busy-loops in ctx.waitUntil after answering: its next runs get the limit error", async () => {
    const trusted = await trustedProgram();
    const sneaky = await submit(`export default { fetch(req, env, ctx) {
  ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 20)).then(() => { while (true) {} }));
  return new Response("answered");
} }`);
    let over = false;
    const traffic = trafficUntil(trusted, () => over);
    // Its answer goes out before the loop starts: the run itself cannot be told.
    // Its own visitor: the traffic fills the suite's history past its 50 runs.
    const author = { headers: { cookie: await visitorCookie(server.origin) } };
    const first = await call(sneaky, author);
    expect(first).toMatchObject({ status: 200, text: "answered" });
    // A run right after it may still be answered (the loop starts 20 ms after the answer), until one
    // finds the runtime wedged and gets the limit error as the runtime is replaced.
    let wedged = first;
    for (let run = 0; run < 10 && wedged.status === 200; run++) wedged = await call(sneaky);
    expectLimit(wedged, "cpuMs");
    // The program is convicted: every later run gets the limit error without running.
    for (let run = 0; run < 3; run++) {
      const refused = await call(sneaky);
      expectLimit(refused, "cpuMs");
      expect((JSON.parse(refused.text) as ErrorAnswer).error.message).toMatch(/after answering/);
    }
    over = true;
    const { runs, wrong } = await traffic;
    expect(wrong).toEqual([]);
    expect(runs).toBeGreaterThan(8);
    // Its first run answered 200, but its record says what the run really did.
    let record: { outcome?: string; error?: { code: string; limit?: string } | null } = {};
    for (let attempt = 0; attempt < 60 && record.outcome !== "limit"; attempt++) {
      record = JSON.parse((await call(`/api/runs/${first.runId}`, author)).text) as typeof record;
      if (record.outcome !== "limit") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(record).toMatchObject({ outcome: "limit", error: { code: "limit_exceeded", limit: "cpuMs" } });
  });

  it("runs a CPU-heavy program in the heavy lane, never in the trusted one", async () => {
    const trusted = await trustedProgram();
    const [trustedPid] = lane("trusted");
    if (trustedPid === undefined) throw new Error("no trusted runtime");
    const heavy = await submit(`export default { fetch(req) {
  const n = Number(new URL(req.url).searchParams.get("n"));
  let h = 0;
  for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + i) | 0;
  return new Response(String(h));
} }`);
    // Rounds for about 400 ms of CPU here, from one run of 50 million (in probation, like any new program).
    const started = performance.now();
    expect((await call(`${heavy}?n=50000000`)).status).toBe(200);
    const rounds = Math.round((50_000_000 * 400) / Math.max(1, performance.now() - started));
    for (let run = 1; run < PROMOTE_AFTER_RUNS; run++) expect((await call(`${heavy}?n=${rounds}`)).status).toBe(200);
    // The app hears of the program's new lane a few milliseconds after the report of the run that moved
    // it (docs/local-runtime.md): a run sent back to back with that one would still go to probation.
    await new Promise((resolve) => setTimeout(resolve, 300));

    // From now on its runs take CPU in a heavy runtime, and none in the trusted one.
    const trustedBefore = cpuTicks(trustedPid);
    let over = false;
    // A few trivial runs meanwhile (at most 30, 30 ms apart): the trusted runtime's own CPU stays small.
    const traffic = trafficUntil(trusted, () => over, 1, 30, 30);
    const heavyRuns = 3;
    for (let run = 0; run < heavyRuns; run++) expect((await call(`${heavy}?n=${rounds}`)).status).toBe(200);
    over = true;
    const { wrong } = await traffic;
    const [heavyPid] = lane("heavy");
    if (heavyPid === undefined) throw new Error("no heavy runtime");
    const heavyTicks = cpuTicks(heavyPid);
    const trustedTicks = cpuTicks(trustedPid) - trustedBefore;
    expect(wrong).toEqual([]);
    // About 400 ms of CPU a run (100 ticks a second): at least half of it in the heavy runtime.
    expect(heavyTicks).toBeGreaterThanOrEqual(heavyRuns * 20);
    // The trusted runtime ran only the trivial program meanwhile: a small part of the heavy runs' CPU.
    expect(trustedTicks).toBeLessThan(heavyTicks / 4);
    expect(lane("trusted")).toContain(trustedPid);
    console.log(
      `heavy program: ${heavyTicks} ticks of CPU in the heavy runtime; the trusted runtime ${trustedTicks} meanwhile`,
    );
  });
});
