import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ErrorAnswer, HistoryAnswer, RunRecord, SubmitAnswer } from "../../src/base/answers.ts";
import {
  answering,
  ENDLESS_BODY,
  HOSTILE_HEADERS,
  NEVER_ANSWERS,
  OUR_HEADERS,
  redirecting,
  STORE_LOOP,
  TRICKLING_BODY,
} from "../support/hostile-programs.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";

/**
 * Hostile programs on the README's dev line (the local sandbox runtime, over real HTTP): the same
 * classes as test/worker/hostile-programs.test.ts, where the Worker Loader runs them.
 */
const LIMITS = { RESPONSE_MAX_BYTES: String(1024 * 1024), RESPONSE_MAX_MS: "2000" };

describe("hostile programs on the README's dev line", () => {
  const server = devLineForSuite(LIMITS);

  /** A loopback server that must never be asked anything: it counts what it is asked. */
  let canary: Server;
  let canaryHits = 0;
  beforeAll(async () => {
    canary = createServer((_request, response) => {
      canaryHits++;
      response.end("canary");
    });
    await new Promise<void>((resolve) => canary.listen(0, "127.0.0.1", resolve));
  });
  afterAll(() => canary.close());

  async function submit(code: string): Promise<SubmitAnswer> {
    const response = await fetch(`${server.origin}/submit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: `${code}\n// ${crypto.randomUUID()}` }),
    });
    expect([200, 201]).toContain(response.status);
    return (await response.json()) as SubmitAnswer;
  }

  const run = (url: string, init: RequestInit = {}) =>
    fetch(`${server.origin}${url}`, {
      redirect: "manual",
      ...init,
      headers: { cookie: server.cookie, ...init.headers },
    });

  async function recordOf(response: Response): Promise<RunRecord> {
    const id = response.headers.get("x-run-id");
    for (let attempt = 0; attempt < 100; attempt++) {
      const answer = await fetch(`${server.origin}/api/runs/${id}`, { headers: { cookie: server.cookie } });
      if (answer.ok) {
        const record = (await answer.json()) as RunRecord;
        if (record.consoleReady) return record;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`run ${id} was never recorded`);
  }

  it("drops every header a browser would act on from a program's answer", async () => {
    const program = await submit(answering(200, { ...HOSTILE_HEADERS, "x-total-count": "3" }));
    const response = await run(program.url);
    await response.text();
    for (const name of Object.keys(HOSTILE_HEADERS)) {
      if (!OUR_HEADERS.includes(name)) expect(response.headers.has(name), name).toBe(false);
    }
    expect(response.headers.get("x-run-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.get("content-security-policy")).toBe("sandbox");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(response.headers.get("x-total-count")).toBe("3");
  });

  it("never follows a program's 302 or 307 on any hop, and runs it once per run", async () => {
    const target = `http://127.0.0.1:${(canary.address() as AddressInfo).port}/internal`;
    for (const status of [302, 307]) {
      const program = await submit(redirecting(status, target));
      const response = await run(program.url, { method: "POST", body: "again?" });
      expect(response.status).toBe(status);
      expect(response.headers.has("location")).toBe(false);
      expect(response.headers.get("x-program-location")).toBe(target);
      expect(await (await run(`${program.url}?count`)).json()).toBe(1);
    }
    expect(canaryHits).toBe(0);
  });

  it("answers a program that can never answer with no_response, not an internal error", async () => {
    const program = await submit(NEVER_ANSWERS);
    const response = await run(program.url);
    expect(response.status).toBe(502);
    expect(((await response.json()) as ErrorAnswer).error.code).toBe("no_response");
    expect((await recordOf(response)).outcome).toBe("exception");
  });

  it("cuts an endless body at the byte limit and a trickling one at the time limit", async () => {
    const endless = await run((await submit(ENDLESS_BODY)).url);
    let received = 0;
    await expect(
      (async () => {
        for await (const chunk of endless.body as unknown as AsyncIterable<Uint8Array>) received += chunk.byteLength;
      })(),
    ).rejects.toThrow();
    expect(received).toBeLessThanOrEqual(1024 * 1024);
    expect((await recordOf(endless)).error).toMatchObject({ code: "limit_exceeded", limit: "responseBytes" });

    const started = Date.now();
    const trickling = await run((await submit(TRICKLING_BODY)).url);
    await expect(trickling.text()).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(8_000);
    expect((await recordOf(trickling)).error).toMatchObject({ code: "limit_exceeded", limit: "responseMs" });
  });

  it("bounds env.STORE calls per run through the app's relay too", async () => {
    const program = await submit(STORE_LOOP);
    const body = (await (await run(program.url)).json()) as { calls: number; error: string | null };
    expect(body).toEqual({ calls: 100, error: "STORE allows at most 100 calls per run." });
  });

  it("serves answers on the run origin, with their scripts, no cookie, and nothing else", async () => {
    const page = "<!doctype html><title>mine</title><script>document.title = 'ran'</script>";
    const program = await submit(answering(200, { "content-type": "text/html", "set-cookie": "a=b" }, page));
    const response = await fetch(`${server.runOrigin}${program.url}`);
    expect(response.status).toBe(200);
    expect(response.headers.has("content-security-policy")).toBe(false);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.text()).toBe(page);
    for (const path of ["/", "/api/history", "/assets/app.js", `/s/${program.hash}`]) {
      const other = await fetch(`${server.runOrigin}${path}`);
      expect(other.status, path).toBe(404);
      await other.arrayBuffer();
    }
    // Earlier tests' runs are recorded just after their answers: the history is read once they are in.
    const history = async () => (await (await run("/api/history")).json()) as HistoryAnswer;
    let before = await history();
    for (let settled = false; !settled; ) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const again = await history();
      settled = JSON.stringify(again) === JSON.stringify(before);
      before = again;
    }
    await (await fetch(`${server.runOrigin}${program.url}`, { headers: { cookie: server.cookie } })).text();
    await (await run(program.url, { headers: { "sec-fetch-site": "cross-site" } })).text();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await history()).toEqual(before);
  });
});
