import { describe, expect, it } from "vitest";
import type { RunRecord, SubmitAnswer } from "../../src/base/answers.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";

describe("run records on the README's dev line (programs in the separate sandbox runtime)", () => {
  // Rate limits off: the prepare tests submit more programs than a minute's limit allows.
  const server = devLineForSuite({ PROMPTLOG_RATE_LIMITS: "off" });

  async function submitted(code: string, network = false): Promise<SubmitAnswer> {
    const answer = await fetch(`${server.origin}/submit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(network ? { code, network } : { code }),
    });
    return (await answer.json()) as SubmitAnswer;
  }

  async function submit(code: string, network = false): Promise<string> {
    return (await submitted(code, network)).url;
  }

  async function run(url: string): Promise<RunRecord> {
    const response = await fetch(`${server.origin}${url}`, { headers: { cookie: server.cookie } });
    await response.text();
    const id = response.headers.get("x-run-id") ?? "";
    for (let attempt = 0; attempt < 100; attempt++) {
      const record = await fetch(`${server.origin}/api/runs/${id}`, { headers: { cookie: server.cookie } });
      if (record.status === 200) {
        const body = (await record.json()) as RunRecord;
        if (body.consoleReady) return body;
      }
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    throw new Error(`no record for run ${id}`);
  }

  it("captures the console and tells cold from warm runs", async () => {
    const url = await submit("console.info('hello', { from: prompt });\nreturn prompt;");
    const records = [await run(`${url}?prompt=a`), await run(`${url}?prompt=b`), await run(`${url}?prompt=c`)];
    expect(records.map((record) => record.console.logs.map((log) => [log.level, log.message]))).toEqual([
      [["info", 'hello {"from":"a"}']],
      [["info", 'hello {"from":"b"}']],
      [["info", 'hello {"from":"c"}']],
    ]);
    // The submit loaded the program's isolate, so even the first run finds it warm.
    expect(records.map((record) => record.cold)).toEqual([false, false, false]);
    // A program with network gets a new isolate for every run (its gateway names the run).
    const networked = await submit("return prompt;", true);
    expect([(await run(networked)).cold, (await run(networked)).cold]).toEqual([true, true]);
  });

  it("loads every submitted program ahead while its programs are run, not only a runtime's first 12", async () => {
    // One-off programs, each submitted and run once, as in the playground's edit-and-run loop: twice
    // the 12 that may wait unrun (once, a runtime loaded ahead only the first ones of its whole life),
    // and few enough, with the next test's, not to have probation's runtime replaced at 160 MiB.
    for (let n = 0; n < 24; n++) {
      const url = await submit(`return "one-off ${n} " + prompt;`);
      expect((await run(url)).outcome).toBe("ok");
    }
    const answer = await submitted("return 'one more';");
    expect(answer.loaded).toBe(true);
    expect((await run(answer.url)).cold).toBe(false);
  });

  it("stops loading ahead once 12 submitted programs wait unrun, so a flood of submits cannot fill the runtime", async () => {
    const answers: SubmitAnswer[] = [];
    for (let n = 0; n < 14; n++) answers.push(await submitted(`return "never run ${n}";`));
    expect(answers.map((answer) => answer.loaded)).toEqual([...Array(12).fill(true), false, false]);
    // Running one of them makes room for the next.
    expect((await run(answers[0]?.url ?? "")).cold).toBe(false);
    expect((await submitted("return 'after a run';")).loaded).toBe(true);
  });

  it("reports an error at the user's line", async () => {
    const url = await submit("const x = 1;\nconsole.warn('about to fail');\nthrow new Error('line three');");
    const record = await run(url);
    expect(record.outcome).toBe("exception");
    expect(record.error?.location).toEqual({ line: 3, column: 7 });
    expect(record.console.logs.map((log) => log.message)).toEqual(["about to fail"]);
  });
});
