import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { mailboxFor } from "../../src/sandbox/telemetry/run-logs";
import { PREPARE_RUN } from "../../src/sandbox/telemetry/run-marker";
import { call, expectError, newVisitor, recordOf, submit, unique } from "../support/workerd/api";

async function runAs(cookie: string, url: string) {
  const response = await call(url, { headers: { cookie } });
  const id = response.headers.get("x-run-id") ?? "";
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  return { response, id, body: await response.text() };
}

describe("run records", () => {
  it("give every run an id and a record: hash, prompt, outcome, status, duration, cold or warm, time", async () => {
    const visitor = await newVisitor();
    const program = await submit(unique("return prompt.length;"));
    const first = await runAs(visitor, `${program.url}?prompt=abc`);
    const second = await runAs(visitor, `${program.url}?prompt=abcd`);
    expect(first.id).not.toBe(second.id);
    const record = await recordOf(visitor, first.id);
    expect(record).toMatchObject({
      id: first.id,
      hash: program.hash,
      prompt: "abc",
      outcome: "ok",
      status: 200,
      // The submit loaded the program's isolate: even its first run is warm.
      cold: false,
    });
    expect(record.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(record.at)).not.toBeNaN();
    expect((await recordOf(visitor, second.id)).cold).toBe(false);

    const history = (await (await call("/api/history", { headers: { cookie: visitor } })).json()) as {
      entries: { id: string; outcome: string; durationMs: number }[];
    };
    expect(history.entries.map((entry) => [entry.id, entry.outcome])).toEqual([
      [second.id, "ok"],
      [first.id, "ok"],
    ]);
  });

  it("capture each console level, with objects as JSON, in the run's own record", async () => {
    const visitor = await newVisitor();
    const program = await submit(
      unique(`export default { fetch(req) {
        console.log("plain", 42, { nested: [1, "two"] });
        console.info("info line");
        console.warn("careful");
        console.error("bad", new URL(req.url).searchParams.get("q"));
        console.debug("details", null, true);
        return new Response("done");
      } }`),
    );
    const run = await runAs(visitor, `${program.url}?q=xyz`);
    expect(run.body).toBe("done");
    const record = await recordOf(visitor, run.id);
    expect(record.console.logs.map((log) => [log.level, log.message])).toEqual([
      ["log", 'plain 42 {"nested":[1,"two"]}'],
      ["info", "info line"],
      ["warn", "careful"],
      ["error", "bad xyz"],
      ["debug", "details null true"],
    ]);
    expect(record.console.truncated).toBe(false);
  });

  it("keep the logs of two overlapping runs of one warm program apart", async () => {
    const visitor = await newVisitor();
    const program = await submit(
      unique(`export default { async fetch(req) {
        const who = new URL(req.url).searchParams.get("q");
        console.log("start", who);
        await new Promise((resolve) => setTimeout(resolve, who === "slow" ? 60 : 5));
        console.log("end", who);
        return new Response(who);
      } }`),
    );
    await runAs(visitor, `${program.url}?q=warmup`);
    const [slow, fast] = await Promise.all([
      runAs(visitor, `${program.url}?q=slow`),
      runAs(visitor, `${program.url}?q=fast`),
    ]);
    const slowRecord = await recordOf(visitor, slow.id);
    const fastRecord = await recordOf(visitor, fast.id);
    expect(slowRecord.cold).toBe(false);
    expect(slowRecord.console.logs.map((log) => log.message)).toEqual(["start slow", "end slow"]);
    expect(fastRecord.console.logs.map((log) => log.message)).toEqual(["start fast", "end fast"]);
  });

  it("leave a program's load out of them: its top level's lines are in no run's console, and no load's trace is kept", async () => {
    const visitor = await newVisitor();
    const program = await submit(
      unique(`console.log("at load");
      export default { fetch() { console.log("in the run"); return new Response("ran"); } }`),
    );
    const run = await runAs(visitor, program.url);
    expect(run.body).toBe("ran");
    const record = await recordOf(visitor, run.id);
    expect(record.cold).toBe(false);
    expect(record.console.logs.map((log) => log.message)).toEqual(["in the run"]);
    // The load prints the run marker as it ends (src/sandbox/runner-source.ts): its trace, which
    // came before the run's, must cost the run-log mailbox no write.
    const kept = await runInDurableObject(mailboxFor(env, PREPARE_RUN), (_object, state) =>
      Number(state.storage.sql.exec("SELECT count(*) AS n FROM console WHERE run_id = ?", PREPARE_RUN).one().n),
    );
    expect(kept).toBe(0);
  });

  it("cap a run's console at 200 entries and 64 KiB, and mark it truncated", async () => {
    const visitor = await newVisitor();
    const many = await submit(unique("for (let i = 0; i < 250; i++) console.log('line', i); return 'ok';"));
    const manyRecord = await recordOf(visitor, (await runAs(visitor, many.url)).id);
    expect(manyRecord.console.logs).toHaveLength(200);
    expect(manyRecord.console.logs.at(-1)?.message).toBe("line 199");
    expect(manyRecord.console.truncated).toBe(true);

    const big = await submit(unique("for (let i = 0; i < 100; i++) console.log('x'.repeat(1024)); return 'ok';"));
    const bigRecord = await recordOf(visitor, (await runAs(visitor, big.url)).id);
    expect(bigRecord.console.logs.length).toBeLessThan(65);
    expect(bigRecord.console.truncated).toBe(true);
  });

  it("keep the program's error, and uncaught exceptions, in the record", async () => {
    const visitor = await newVisitor();
    const program = await submit(
      unique(`export default { fetch(req, env, ctx) {
        ctx.waitUntil(Promise.reject(new Error("rejected in the background")));
        console.log("before the throw");
        throw new TypeError("thrown on purpose");
      } }`),
    );
    const run = await runAs(visitor, program.url);
    expect(run.response.status).toBe(502);
    const record = await recordOf(visitor, run.id);
    expect(record.outcome).toBe("exception");
    expect(record.error).toMatchObject({ code: "program_exception", name: "TypeError" });
    expect(record.console.logs.map((log) => log.message)).toEqual(["before the throw"]);
    expect(record.console.exceptions.map((e) => e.message).join(" ")).toMatch(/rejected in the background/);
  });

  it("are only for the visitor who ran them", async () => {
    const alice = await newVisitor();
    const bob = await newVisitor();
    const program = await submit(unique("console.log('alice only'); return 1;"));
    const run = await runAs(alice, program.url);
    await recordOf(alice, run.id);
    await expectError(await call(`/api/runs/${run.id}`, { headers: { cookie: bob } }), 404, "run_not_found");
    await expectError(await call(`/api/runs/${run.id}`), 404, "run_not_found");
    await expectError(await call("/api/runs/not-a-run", { headers: { cookie: alice } }), 400, "invalid_run_id");
  });
});

describe("errors in the user's own lines", () => {
  async function errorOf(code: string, mode?: "module" | "snippet") {
    const program = await submit(unique(code), mode);
    const response = await call(program.url);
    return { status: response.status, error: ((await response.json()) as { error: Record<string, unknown> }).error };
  }

  it("reports a snippet's throw on its third line as line 3", async () => {
    const { status, error } = await errorOf("const a = 1;\nconst b = a + 1;\nthrow new Error('third line');");
    expect(status).toBe(502);
    expect(error.location).toEqual({ line: 3, column: 7 });
    expect(error.stack).toMatch(/program\.js:3:7/);
  });

  it("reports a throw on a snippet's first line at the user's column", async () => {
    const { error } = await errorOf("throw new Error('first');");
    expect(error.location).toEqual({ line: 1, column: 7 });
    expect(error.stack).toMatch(/program\.js:1:7\b/);
  });

  it("reports a module's throw at its line", async () => {
    const { error } = await errorOf("export default {\n  fetch() {\n    null.property;\n  }\n}");
    expect(error.location).toEqual({ line: 3, column: 10 });
  });

  it("reports a syntax error at the user's line and column, in both modes", async () => {
    const snippet = await errorOf("const ok = 1;\nconst broken = ;", "snippet");
    expect(snippet.status).toBe(422);
    expect(snippet.error.location).toEqual({ line: 2, column: 16 });
    expect(snippet.error.message).toMatch(/program\.js:2:16/);

    const firstLine = await errorOf("const = 1;", "snippet");
    expect(firstLine.error.location).toEqual({ line: 1, column: 7 });

    const module = await errorOf("export default {\n  fetch() { return new Response( }\n}");
    expect(module.status).toBe(422);
    expect(module.error.location).toMatchObject({ line: 2 });
  });
});
