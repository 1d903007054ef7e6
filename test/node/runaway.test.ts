import { beforeAll, describe, expect, it } from "vitest";
import { PROMOTE_AFTER_RUNS } from "../../scripts/sandbox/limits.ts";
import type { ErrorAnswer, HistoryAnswer, SubmitAnswer } from "../../src/base/answers.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";
import { postToSupervisor } from "../support/node/processes.ts";

/** Every answer in this file must arrive within this: a hang is the failure being tested for. */
const NEVER_HANG_MS = 10_000;
/** What the program "loudLoad" prints as its isolate loads. */
const LOADED = `loaded-${crypto.randomUUID()}`;

describe("runaway programs on the README's dev line", () => {
  const server = devLineForSuite();
  const programs: Record<string, { url: string; hash: string; code: string }> = {};

  const call = (path: string, init?: RequestInit) => server.call(path, init, NEVER_HANG_MS);

  async function submit(name: string, code: string) {
    const response = await call("/submit", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code }),
    });
    const { url, hash } = JSON.parse(response.text) as SubmitAnswer;
    programs[name] = { url, hash, code };
  }

  const url = (name: string) => programs[name]?.url ?? "";

  /** Time until the playground and a normal program answer again, polled as a user would. */
  async function timeToRecovery(): Promise<number> {
    const started = performance.now();
    for (;;) {
      const page = await call("/");
      const run = await call(`${url("echo")}?prompt=back`);
      if (page.status === 200 && run.status === 200 && run.text === '"BACK"') {
        return Math.round(performance.now() - started);
      }
      if (performance.now() - started > NEVER_HANG_MS) throw new Error(`not back after ${NEVER_HANG_MS} ms`);
    }
  }

  beforeAll(async () => {
    await submit("echo", "return prompt.toUpperCase();");
    await submit("counter", "let runs = 0;\nexport default { fetch() { runs++; return new Response(String(runs)) } }");
    await submit(
      "loudLoad",
      `console.log("${LOADED}"); let runs = 0;\nexport default { fetch() { runs++; return new Response(String(runs)) } }`,
    );
    await submit("busyModule", "export default { fetch() { while (true) {} } }");
    await submit("busySnippet", "while (true) {}");
    await submit("bomb", "const hoard = []; while (true) hoard.push(new Array(1e6).fill(prompt));");
    await submit(
      "stored",
      "export default { async fetch(req, env) { const n = ((await env.STORE.get('n')) ?? 0) + 1; await env.STORE.put('n', n); return new Response(String(n)) } }",
    );
    expect((await call(url("stored"))).text).toBe("1");
    expect((await call(url("stored"))).text).toBe("2");
    expect((await call(`${url("echo")}?prompt=before`)).text).toBe('"BEFORE"');
  }, 120_000);

  it("keeps a repeatedly run program warm: its isolate, and its module state, are reused within its lane", async () => {
    const counts: number[] = [];
    for (let run = 0; run < PROMOTE_AFTER_RUNS + 5; run++) counts.push(Number((await call(url("counter"))).text));
    // The submit loaded the program's isolate in the probation lane: every run there, the first one
    // too, reuses it. Once PROMOTE_AFTER_RUNS runs are over (their consoles back), the program moves to
    // the trusted lane, another runtime, which loads its isolate before its first run there: its module
    // state starts over, once.
    const moved = counts.lastIndexOf(1);
    expect(moved).toBeGreaterThanOrEqual(PROMOTE_AFTER_RUNS);
    const countingUp = (from: number, length: number) => Array.from({ length }, (_, n) => from + n);
    expect(counts).toEqual([...countingUp(1, moved), ...countingUp(1, counts.length - moved)]);
  });

  it("loads a program in the trusted lane as soon as it earns it, not when its first run there comes", async () => {
    // A user's runs, a while apart. The program's top level prints once per isolate loaded.
    const loads = () => server.output().split(LOADED).length - 1;
    const seen: { runs: number; loadsBefore: number }[] = [];
    for (let run = 0; run < PROMOTE_AFTER_RUNS + 4; run++) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const loadsBefore = loads();
      seen.push({ runs: Number((await call(url("loudLoad"))).text), loadsBefore });
    }
    // Its module state starts over once, in the trusted lane's runtime, whose isolate was loaded
    // before that run was sent: the submit loaded the first, the promotion the second.
    const moved = seen.findIndex((run, index) => index > 0 && run.runs === 1);
    expect(moved).toBeGreaterThanOrEqual(PROMOTE_AFTER_RUNS);
    expect(seen[moved]?.loadsBefore).toBe(2);
    expect(loads()).toBe(2);
  });

  for (const [name, label] of [
    ["busyModule", "a module's busy loop"],
    ["busySnippet", "a snippet's busy loop"],
  ] as const) {
    it(`answers ${label} with the CPU limit error and recovers`, async () => {
      const during = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        return Promise.all([call("/"), call(`${url("echo")}?prompt=during`)]);
      })();
      const stuck = await call(url(name));
      expect(stuck.status).toBe(503);
      const body = JSON.parse(stuck.text) as ErrorAnswer;
      expect(body.error).toMatchObject({ code: "limit_exceeded", limit: "cpuMs" });
      expect(body.error.message).toMatch(/CPU time limit/);
      expect(stuck.ms).toBeLessThan(NEVER_HANG_MS);

      const [page, other] = await during;
      expect(page.status).toBe(200);
      // A run that lands in the wedged runtime gets the same error; any other completes.
      if (other.status !== 200) expect(JSON.parse(other.text)).toMatchObject({ error: { code: "limit_exceeded" } });

      const recovery = await timeToRecovery();
      expect(recovery).toBeLessThan(NEVER_HANG_MS);
      console.log(`${label}: error after ${stuck.ms} ms, playground back ${recovery} ms later`);
    });
  }

  it("answers an unbounded allocation with the memory limit error and recovers", async () => {
    const bomb = await call(url("bomb"));
    expect(bomb.status).toBe(503);
    expect(JSON.parse(bomb.text)).toMatchObject({ error: { code: "limit_exceeded", limit: "memory" } });
    const recovery = await timeToRecovery();
    expect(recovery).toBeLessThan(NEVER_HANG_MS);
    console.log(`allocation bomb: error after ${bomb.ms} ms, playground back ${recovery} ms later`);
  });

  it("loads nothing ahead for a program that earned no new lane: one convicted, one never run, an unknown hash", async () => {
    // Only the app has the secret; it asks this as a table hands a program to the supervisor. A
    // convicted program's top level must not run again for nobody's run, nor a stranger's.
    const fresh = await server.submitNew(
      `console.log("${LOADED}-fresh"); export default { fetch() { return new Response("x") } }`,
    );
    const hashes = [programs.busyModule?.hash, fresh.slice("/run/".length), "ab".repeat(32)];
    for (const hash of hashes) {
      const answer = await postToSupervisor(server.processes(), "/prepare", "not an envelope", {
        "x-promptlog-program": hash ?? "",
        "x-promptlog-ahead": "1",
      });
      // Sent on, the runtime would have answered its error for a body that is no run.
      expect(answer).toEqual({ status: 204, text: "" });
    }
    expect((await call(url("busyModule"))).status).toBe(503);
    expect(server.output().split(`${LOADED}-fresh`).length - 1).toBe(1);
  });

  it("lost nothing stored: every program, the visitor's history and programs' STORE data are intact", async () => {
    // STORE data lives with the app, not in the sandbox runtime that was replaced three times.
    expect((await call(url("stored"))).text).toBe("3");
    const internal = await call("/internal/store", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ hash: programs.stored?.hash, request: { op: "list" } }),
    });
    expect(internal.status).toBe(404);
    for (const program of Object.values(programs)) {
      const stored = await call(`/api/programs/${program.hash}`);
      expect(stored.status).toBe(200);
      expect((JSON.parse(stored.text) as { code: string }).code).toBe(program.code);
    }
    const history = JSON.parse((await call("/api/history")).text) as HistoryAnswer;
    const prompts = history.entries.map((entry) => entry.prompt);
    expect(prompts).toContain("before");
    expect(history.entries.filter((entry) => entry.status === 503).length).toBeGreaterThanOrEqual(3);
  });
});
