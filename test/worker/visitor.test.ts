import { createExecutionContext, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { HistoryAnswer, HistoryEntry } from "../../src/base/answers";
import worker from "../../src/index";
import { mailboxFor, mailboxSink } from "../../src/sandbox/telemetry/run-logs";
import { UNTRACED_RUN } from "../../src/sandbox/telemetry/trace-sink";
import { call, newVisitor, ORIGIN, submit, unique } from "../support/workerd/api";
import { callSettled } from "../support/workerd/settled";

const settled = callSettled;

function cookieOf(response: Response): string | null {
  const match = /promptlog_visitor=([^;]+)/.exec(response.headers.get("set-cookie") ?? "");
  return match ? `promptlog_visitor=${match[1]}` : null;
}

const idOf = (cookie: string) => cookie.replace("promptlog_visitor=", "").split(".")[0] ?? "";

async function historyOf(cookie: string, workerEnv: Env = env): Promise<HistoryEntry[]> {
  const ctx = createExecutionContext();
  const response = await worker.fetch(new Request(`${ORIGIN}/api/history`, { headers: { cookie } }), workerEnv, ctx);
  return ((await response.json()) as HistoryAnswer).entries;
}

/** A visitor with one recorded run, whose id the attacks below try to use. */
async function victim(): Promise<{ cookie: string; id: string }> {
  const cookie = await newVisitor();
  const program = await submit(unique("return prompt;"));
  await settled(`${program.url}?prompt=victim-secret`, { headers: { cookie } });
  expect((await historyOf(cookie)).map((e) => e.prompt)).toEqual(["victim-secret"]);
  return { cookie, id: idOf(cookie) };
}

describe("visitor ids are issued and signed by the server", () => {
  it("hands out `<uuid>.<HMAC-SHA256>` and accepts it back", async () => {
    const cookie = await newVisitor();
    expect(cookie).toMatch(/^promptlog_visitor=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const again = await call("/api/history", { headers: { cookie } });
    expect(again.headers.get("set-cookie")).toBeNull();
  });

  it.each([
    ["a forged signature on the victim's id", (id: string) => `${id}.${"A".repeat(43)}`],
    ["the victim's id with no signature (an old unsigned cookie)", (id: string) => id],
    ["the victim's id and an empty signature", (id: string) => `${id}.`],
  ])("refuses %s: a new visitor, who sees nothing of the victim's", async (_what, forge) => {
    const { id } = await victim();
    const response = await call("/api/history", { headers: { cookie: `promptlog_visitor=${forge(id)}` } });
    expect(await response.json()).toEqual({ entries: [] });
    const issued = cookieOf(response);
    expect(issued).not.toBeNull();
    expect(idOf(issued ?? "")).not.toBe(id);
  });

  it("refuses a truncated signature and another visitor's signature on the victim's id", async () => {
    const { cookie, id } = await victim();
    const signature = cookie.split(".")[1] ?? "";
    const other = (await newVisitor()).split(".")[1] ?? "";
    for (const forged of [`${id}.${signature.slice(0, 42)}`, `${id}.${signature.slice(0, 22)}`, `${id}.${other}`]) {
      const response = await call("/api/history", { headers: { cookie: `promptlog_visitor=${forged}` } });
      expect(await response.json()).toEqual({ entries: [] });
      expect(idOf(cookieOf(response) ?? "")).not.toBe(id);
    }
  });

  it("does not record a forged cookie's runs in the victim's history", async () => {
    const { cookie, id } = await victim();
    const program = await submit(unique("return prompt;"));
    await settled(`${program.url}?prompt=planted`, { headers: { cookie: `promptlog_visitor=${id}` } });
    await settled(`${program.url}?prompt=planted`, {
      headers: { cookie: `promptlog_visitor=${id}.${"B".repeat(43)}` },
    });
    expect((await historyOf(cookie)).map((e) => e.prompt)).toEqual(["victim-secret"]);
  });

  it("signs with the VISITOR_KEY secret when it is set, else with the key kept in its Durable Object", async () => {
    const secret = "a-visitor-key-of-at-least-32-characters";
    const keyed = { ...env, VISITOR_KEY: secret } as Env;
    const cookie = cookieOf(await settled("/api/history", {}, keyed)) ?? "";
    const [id, signature] = cookie.replace("promptlog_visitor=", "").split(".");
    const key = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const expected = new Uint8Array(
      await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`promptlog visitor v1:${id}`)),
    );
    expect(signature).toBe(
      btoa(String.fromCharCode(...expected))
        .replaceAll("+", "-")
        .replaceAll("/", "_")
        .replace(/=+$/, ""),
    );
    // Each key's cookies are the other's forgeries.
    const durable = await newVisitor();
    expect(cookieOf(await settled("/api/history", { headers: { cookie: durable } }, keyed))).not.toBeNull();
    expect(cookieOf(await settled("/api/history", { headers: { cookie } }))).not.toBeNull();
    expect(cookieOf(await settled("/api/history", { headers: { cookie } }, keyed))).toBeNull();

    // The generated key: 32 bytes, made once, kept.
    const stub = env.VISITOR_KEYS.getByName("visitor-key");
    const first = new Uint8Array(await stub.key());
    expect(first.byteLength).toBe(32);
    expect(new Uint8Array(await stub.key())).toEqual(first);
    await runInDurableObject(stub, (_object, state) => {
      expect(state.storage.sql.exec("SELECT count(*) AS n FROM key").one().n).toBe(1);
    });
  });
});

describe("callers without a cookie", () => {
  it("get a new cookie, and their run is recorded nowhere", async () => {
    const program = await submit(unique("return prompt;"));
    const response = await settled(`${program.url}?prompt=nobody-reads-this`);
    expect(response.status).toBe(200);
    const cookie = cookieOf(response);
    expect(cookie).not.toBeNull();
    // waitOnExecutionContext has seen every waitUntil of the run: had it been recorded, it would be here.
    expect(await historyOf(cookie ?? "")).toEqual([]);
  });

  it("leave no trace anywhere: their run id says so, and the run-log mailbox writes nothing for it", async () => {
    const program = await submit(unique("console.log('unread'); return prompt;"));
    const response = await settled(`${program.url}?prompt=untraced`);
    const runId = response.headers.get("x-run-id") ?? "";
    expect(runId.startsWith(UNTRACED_RUN)).toBe(true);
    const console = {
      logs: [{ level: "log" as const, message: "unread", at: Date.now() }],
      exceptions: [],
      truncated: false,
    };
    // What the production tail does with such a run's console, and with a kept run's.
    const kept = crypto.randomUUID();
    await mailboxSink(env).putConsole(runId, console);
    await mailboxSink(env).putConsole(kept, console);
    const rows = (id: string) =>
      runInDurableObject(mailboxFor(env, id), (_object, state) =>
        Number(state.storage.sql.exec("SELECT count(*) AS n FROM console WHERE run_id = ?", id).one().n),
      );
    expect(await rows(runId)).toBe(0);
    expect(await rows(kept)).toBe(1);
  });

  it("are recorded once they send the cookie they were given", async () => {
    const program = await submit(unique("return prompt;"));
    const cookie = cookieOf(await settled(`${program.url}?prompt=first`)) ?? "";
    await settled(`${program.url}?prompt=second`, { headers: { cookie } });
    expect((await historyOf(cookie)).map((e) => e.prompt)).toEqual(["second"]);
  });
});
