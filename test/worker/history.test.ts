import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { HistoryAnswer, HistoryEntry } from "../../src/base/answers";
import { HISTORY_RETENTION_DAYS } from "../../src/config/limits";
import { EMPTY_CONSOLE } from "../../src/sandbox/telemetry/console-capture";
import { call, expectError, newVisitor, recordOf, submit, unique } from "../support/workerd/api";

async function historyOf(cookie: string): Promise<HistoryEntry[]> {
  const response = await call("/api/history", { headers: { cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as HistoryAnswer).entries;
}

/** Recording happens after the response (waitUntil), so wait until it lands. */
async function historyWhen(cookie: string, ready: (entries: HistoryEntry[]) => boolean): Promise<HistoryEntry[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const entries = await historyOf(cookie);
    if (ready(entries)) return entries;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("history never reached the expected state");
}

describe("history", () => {
  it("records every run with prompt, hash, status, duration and time, newest first", async () => {
    const visitor = await newVisitor();
    const ok = await submit(unique("return prompt;"));
    const failing = await submit(unique("throw new Error('no');"));
    await call(`${ok.url}?prompt=first`, { headers: { cookie: visitor } });
    await call(`${failing.url}?prompt=second`, { headers: { cookie: visitor } });
    const entries = await historyWhen(visitor, (e) => e.length === 2);
    expect(entries.map((e) => [e.prompt, e.hash, e.status])).toEqual([
      ["second", failing.hash, 502],
      ["first", ok.hash, 200],
    ]);
    for (const entry of entries) {
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
      expect(Date.now() - Date.parse(entry.at)).toBeLessThan(60_000);
    }
  });

  it("records every one of a busy visitor's concurrent runs, each with its own console", async () => {
    const visitor = await newVisitor();
    const program = await submit(unique("console.log('said', prompt); return prompt;"));
    const prompts = Array.from({ length: 30 }, (_, i) => `run-${i}`);
    const answers = await Promise.all(
      prompts.map((prompt) => call(`${program.url}?prompt=${prompt}`, { headers: { cookie: visitor } })),
    );
    const ids = new Map(prompts.map((prompt, i) => [prompt, answers[i]?.headers.get("x-run-id")]));
    const entries = await historyWhen(visitor, (e) => e.length === 30);
    expect(entries.map((entry) => entry.prompt).sort()).toEqual([...prompts].sort());
    for (const prompt of prompts.slice(0, 5)) {
      const record = await recordOf(visitor, ids.get(prompt) ?? "");
      expect(record.console?.logs.map((entry) => entry.message)).toEqual([`said ${prompt}`]);
    }
  });

  it("forgets a visitor 30 days after their last run, and starts them afresh if they come back", async () => {
    expect(HISTORY_RETENTION_DAYS).toBe(30);
    const visitor = await newVisitor();
    const log = env.PROMPT_LOG.get(
      env.PROMPT_LOG.idFromName(visitor.replace("promptlog_visitor=", "").split(".")[0] ?? ""),
    );
    const program = await submit(unique("return prompt;"));
    await call(`${program.url}?prompt=kept`, { headers: { cookie: visitor } });
    await historyWhen(visitor, (e) => e.length === 1);
    const end = await runInDurableObject(log, (_instance, state) => state.storage.getAlarm());
    const days = ((end ?? 0) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.99);
    expect(days).toBeLessThanOrEqual(30);
    // A second run the same day leaves the end where it is (it moves at most once a day).
    await call(`${program.url}?prompt=same-day`, { headers: { cookie: visitor } });
    await historyWhen(visitor, (e) => e.length === 2);
    expect(await runInDurableObject(log, (_instance, state) => state.storage.getAlarm())).toBe(end);

    expect(await runDurableObjectAlarm(log)).toBe(true);
    expect(await historyOf(visitor)).toEqual([]);
    expect(await runInDurableObject(log, (_instance, state) => state.storage.getAlarm())).toBeNull();

    await call(`${program.url}?prompt=again`, { headers: { cookie: visitor } });
    expect((await historyWhen(visitor, (e) => e.length === 1)).map((e) => e.prompt)).toEqual(["again"]);
    expect(await runInDurableObject(log, (_instance, state) => state.storage.getAlarm())).not.toBeNull();
  });

  it("lists runs by when they started, whichever record was written first", async () => {
    // A run's record waits for its console, so a later run's can land first.
    const visitor = await newVisitor();
    const log = env.PROMPT_LOG.get(
      env.PROMPT_LOG.idFromName(visitor.replace("promptlog_visitor=", "").split(".")[0] ?? ""),
    );
    const entry = (prompt: string, at: string) => ({
      entry: {
        id: crypto.randomUUID(),
        prompt,
        hash: "a".repeat(64),
        status: 200,
        outcome: "ok" as const,
        durationMs: 1,
        cold: false,
        at,
      },
      error: null,
      console: EMPTY_CONSOLE,
    });
    await log.record([entry("later", "2026-11-24T10:00:00.002Z")]);
    await log.record([entry("earlier", "2026-11-24T10:00:00.001Z")]);
    expect((await historyOf(visitor)).map((e) => e.prompt)).toEqual(["later", "earlier"]);
  });

  it("keeps only the most recent 50 runs", async () => {
    const visitor = await newVisitor();
    const program = await submit(unique("return prompt;"));
    for (let i = 0; i < 55; i++) await call(`${program.url}?prompt=p${i}`, { headers: { cookie: visitor } });
    const entries = await historyWhen(visitor, (e) => e[0]?.prompt === "p54");
    expect(entries).toHaveLength(50);
    expect(entries.at(-1)?.prompt).toBe("p5");
  });

  it("is per visitor: one never sees or clears another's history", async () => {
    const alice = await newVisitor();
    const bob = await newVisitor();
    const program = await submit(unique("return prompt;"));
    await call(`${program.url}?prompt=alice-secret`, { headers: { cookie: alice } });
    await call(`${program.url}?prompt=bob-note`, { headers: { cookie: bob } });
    await historyWhen(alice, (e) => e.length === 1);
    await historyWhen(bob, (e) => e.length === 1);
    expect((await historyOf(bob)).map((e) => e.prompt)).toEqual(["bob-note"]);

    const cleared = await call("/api/history", { method: "DELETE", headers: { cookie: bob } });
    expect(cleared.status).toBe(204);
    expect(await historyOf(bob)).toEqual([]);
    expect((await historyOf(alice)).map((e) => e.prompt)).toEqual(["alice-secret"]);
  });

  it("gives a new visitor a fresh, HttpOnly, SameSite=Lax id and ignores forged ones", async () => {
    const response = await call("/api/history");
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^promptlog_visitor=[0-9a-f-]{36}\.[\w-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const https = await (await import("cloudflare:workers")).exports.default.fetch(
      new Request("https://promptlog.example/api/history"),
    );
    expect(https.headers.get("set-cookie")).toMatch(/Secure/);

    const forged = await call("/api/history", { headers: { cookie: "promptlog_visitor=../../admin" } });
    expect(forged.headers.get("set-cookie")).toMatch(/^promptlog_visitor=[0-9a-f-]{36}\.[\w-]{43};/);
    expect(await forged.json()).toEqual({ entries: [] });
  });

  it("sets the visitor cookie on a first run, alongside the program's own headers", async () => {
    const program = await submit(
      unique(`export default { fetch() { return new Response("x", { headers: { "x-own": "1" } }) } }`),
    );
    const response = await call(program.url);
    expect(response.headers.get("x-own")).toBe("1");
    const cookie = /promptlog_visitor=[^;]+/.exec(response.headers.get("set-cookie") ?? "")?.[0];
    expect(cookie).toBeDefined();
    // That first run, sent without a cookie, is recorded nowhere (test/worker/visitor.test.ts); the next one is.
    await call(program.url, { headers: { cookie: cookie ?? "" } });
    await historyWhen(cookie ?? "", (e) => e.length === 1);
  });

  it("does not record requests that never reached a program", async () => {
    const visitor = await newVisitor();
    await expectError(await call(`/run/${"a".repeat(64)}`, { headers: { cookie: visitor } }), 404, "program_not_found");
    await expectError(await call("/run/nothex", { headers: { cookie: visitor } }), 400, "invalid_hash");
    expect(await historyOf(visitor)).toEqual([]);
  });
});
