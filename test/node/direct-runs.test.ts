import { describe, expect, it } from "vitest";
import type { SubmitAnswer } from "../../src/base/answers.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The app sends a program's runs straight to its lane's sandbox runtime (src/local/direct-routes.ts),
 * with the supervisor off the data path but still in charge: it tells the app where each lane is,
 * and a run whose runtime went away under it comes back through the supervisor.
 */
describe("runs on the README's dev line, straight from the app to their lane's runtime", () => {
  const server = devLineForSuite({ PROMPTLOG_RATE_LIMITS: "off" });

  const submit = (tag: string) =>
    server.submitNew(
      `export default { fetch(req) { return new Response("${tag} " + new URL(req.url).searchParams.get("q")) } }`,
    );

  function pidOf(pattern: RegExp): number {
    const pid = server.processes().find((process) => pattern.test(process.args))?.pid;
    if (!pid) throw new Error(`no process matches ${pattern}`);
    return pid;
  }

  it("submits, loads and runs programs while the supervisor is stopped: it carries none of them", async () => {
    const url = await submit("straight");
    // The app's first run anywhere asks the supervisor for its table of lanes.
    expect((await server.call(`${url}?q=0`)).text).toBe("straight 0");
    await sleep(300);
    const supervisor = pidOf(/scripts\/dev\.ts/);
    process.kill(supervisor, "SIGSTOP");
    try {
      // Still in probation (two runs of the PROMOTE_AFTER_RUNS = 3 that would move it).
      for (const q of ["1", "2"]) {
        const answer = await server.call(`${url}?q=${q}`, {}, 5_000);
        expect(answer.status, answer.text).toBe(200);
        expect(answer.text).toBe(`straight ${q}`);
      }
      // A submit loads the new program's isolate straight in its lane's runtime too.
      const submitted = await server.call(
        "/submit",
        {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ code: 'export default { fetch() { return new Response("new while stopped") } }' }),
        },
        5_000,
      );
      expect(submitted.status, submitted.text).toBe(201);
      const { url: fresh, loaded } = JSON.parse(submitted.text) as SubmitAnswer;
      expect(loaded).toBe(true);
      expect((await server.call(fresh, {}, 5_000)).text).toBe("new while stopped");
    } finally {
      process.kill(supervisor, "SIGCONT");
    }
  });

  it("counts a long run's answer as a sign of life: long runs queued on one runtime are not taken for a busy loop", async () => {
    const submitted = await server.call("/submit", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        code: `export default { fetch(req) {
  const n = Number(new URL(req.url).searchParams.get("n"));
  let h = 0;
  for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + i) | 0;
  return new Response(String(h));
} }`,
      }),
    });
    const { url } = JSON.parse(submitted.text) as SubmitAnswer;
    const started = performance.now();
    expect((await server.call(`${url}?n=50000000`, {}, 20_000)).status).toBe(200);
    // About 350 ms of CPU a run: five callers keep the runtime's one thread busy for 3.5 s, and its
    // health check waiting behind them. workerd answers runs queued on its thread together, once they
    // have all run, so each burst of answers must come within WEDGE_MS (2 s): four runs of 500 ms, as
    // this test first had, came to 2 s on a fast turn of this machine, and a runtime rightly killed.
    const rounds = Math.round((50_000_000 * 350) / Math.max(1, performance.now() - started));
    const answers = await Promise.all(
      [0, 1, 2, 3, 4].map(async () => {
        const statuses: number[] = [];
        for (let run = 0; run < 2; run++) statuses.push((await server.call(`${url}?n=${rounds}`, {}, 30_000)).status);
        return statuses;
      }),
    );
    expect(answers.flat()).toEqual(Array(10).fill(200));
  });

  it("answers runs sent to a runtime that is gone: the supervisor sends them to its replacement", async () => {
    const url = await submit("replaced");
    expect((await server.call(`${url}?q=0`)).status).toBe(200);
    await sleep(300);
    const runtime = pidOf(/workerd.* serve .*sandbox\.capnp/);
    process.kill(runtime, "SIGKILL");
    // Until it hears of the new runtime, the app sends runs to the dead one's port.
    for (let run = 1; run <= 20; run++) {
      const answer = await server.call(`${url}?q=${run}`, {}, 10_000);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.text).toBe(`replaced ${run}`);
    }
    expect(server.processes().some((process) => process.pid === runtime)).toBe(false);
  });
});
