import { env, exports } from "cloudflare:workers";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { HistoryAnswer } from "../../src/base/answers";
import {
  answering,
  chunked,
  ENDLESS_BODY,
  HOSTILE_HEADERS,
  NEVER_ANSWERS,
  OUR_HEADERS,
  redirecting,
  SILENT_BODY,
  STORE_LOOP,
  TRICKLING_BODY,
} from "../support/hostile-programs";
import { call, expectError, newVisitor, recordOf, submit, unique } from "../support/workerd/api";

/**
 * Hostile programs on the production path (the Worker Loader inside workerd): what a program's
 * answer, its redirects, its hangs and its STORE calls can do past its isolate. Each class has its
 * twin on the dev line in test/node/hostile-programs.test.ts.
 */

afterEach(() => {
  vi.restoreAllMocks();
});

describe("a program's answer cannot act on the visitor", () => {
  it("drops every header a browser would act on, keeps content headers and the program's own x- headers", async () => {
    const program = await submit(
      unique(
        answering(200, {
          ...HOSTILE_HEADERS,
          "content-type": "text/html; charset=utf-8",
          "cache-control": "no-store",
          "x-total-count": "3",
        }),
      ),
    );
    const response = await call(program.url);
    expect(response.status).toBe(200);
    for (const name of Object.keys(HOSTILE_HEADERS)) {
      if (OUR_HEADERS.includes(name)) continue; // set by us: checked below
      expect(response.headers.has(name), name).toBe(false);
    }
    // Sent without a cookie: a run no one keeps (routes/run.ts), and its id says so.
    expect(response.headers.get("x-run-id")).toMatch(/^untraced-[0-9a-f-]{36}$/);
    expect(response.headers.get("content-security-policy")).toBe("sandbox");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-total-count")).toBe("3");
    // A new visitor gets our cookie, never the program's.
    expect(response.headers.getSetCookie().join("\n")).not.toContain("00000000-0000-4000-8000-000000000000");
  });

  it("passes no header outside the allowlist, whatever its name (property)", async () => {
    const names = fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/);
    const sample = fc.sample(fc.uniqueArray(names, { minLength: 20, maxLength: 20 }), 1)[0] ?? [];
    const headers = Object.fromEntries(sample.map((name) => [name, "v"]));
    const program = await submit(unique(answering(200, headers)));
    const response = await call(program.url);
    for (const [name] of response.headers) {
      if (OUR_HEADERS.includes(name) || name === "content-type") continue;
      expect(/^x-[a-z0-9-]+$/.test(name) || ["cache-control", "vary", "etag"].includes(name), name).toBe(true);
      expect(name.startsWith("x-promptlog-")).toBe(false);
    }
  });

  it("answers a redirect as it is, without sending the visitor there: the target is in x-program-location", async () => {
    const program = await submit(unique(answering(302, { location: "https://evil.example/phish" }, "")));
    const response = await call(program.url);
    expect(response.status).toBe(302);
    expect(response.headers.has("location")).toBe(false);
    expect(response.headers.get("x-program-location")).toBe("https://evil.example/phish");
  });
});

describe("no URL a program chooses is fetched by us", () => {
  it("never follows a program's 302 or 307, and runs it exactly once per run", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    for (const status of [302, 307]) {
      const program = await submit(unique(redirecting(status, "http://127.0.0.1:9/internal")));
      const response = await call(program.url, { method: "POST", body: "x" });
      expect(response.status).toBe(status);
      expect(await (await call(`${program.url}?count`)).json()).toBe(1);
    }
    const fetched = spy.mock.calls.map(([input]) => String(input instanceof Request ? input.url : input));
    expect(fetched.filter((url) => url.includes("127.0.0.1:9"))).toEqual([]);
  });
});

describe("no redirect of any kind is followed (property)", () => {
  it("answers every 3xx with its status, never fetching its target", async () => {
    const spy = vi.spyOn(globalThis, "fetch");
    const target = fc.oneof(
      fc.webUrl(),
      fc.constantFrom(
        "http://127.0.0.1:9/x",
        "http://[::1]:9/",
        "/internal/store",
        "//evil.example/",
        "file:///etc/passwd",
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(300, 301, 302, 303, 304, 305, 306, 307, 308, 399),
        target,
        async (status, location) => {
          const program = await submit(unique(answering(status, { location }, "")));
          const response = await call(program.url);
          await response.arrayBuffer();
          expect(response.status).toBe(status);
          expect(response.headers.has("location")).toBe(false);
          expect(response.headers.get("x-program-location")).toBe(location);
        },
      ),
      { numRuns: 15 },
    );
    const asked = spy.mock.calls.map(([input]) => String(input instanceof Request ? input.url : input));
    expect(asked).toEqual([]);
  });
});

describe("a program that never answers", () => {
  it("gets the documented program outcome, not an internal error", async () => {
    const visitor = await newVisitor();
    const program = await submit(unique(NEVER_ANSWERS));
    const response = await call(program.url, { headers: { cookie: visitor } });
    const error = await expectError(response, 502, "no_response");
    expect(error.message).toMatch(/never/i);
    const record = await recordOf(visitor, response.headers.get("x-run-id") ?? "");
    expect(record.outcome).toBe("exception");
  });
});

describe("a program that answers too late", () => {
  it("gets 504 run_timeout at the run's wall clock, recorded as a timeout", { timeout: 60_000 }, async () => {
    const visitor = await newVisitor();
    const program = await submit(
      unique(
        "export default { fetch() { return new Promise((resolve) => setTimeout(() => resolve(new Response('late')), 40_000)) } };",
      ),
    );
    const response = await call(program.url, { headers: { cookie: visitor } });
    const error = await expectError(response, 504, "run_timeout");
    expect(error.message).toMatch(/30 s/);
    const record = await recordOf(visitor, response.headers.get("x-run-id") ?? "");
    expect(record.error).toMatchObject({ code: "run_timeout" });
  });
});

describe("response limits", () => {
  it("cuts an endless body at the byte limit and records the run as limit_exceeded", async () => {
    const visitor = await newVisitor();
    const program = await submit(unique(ENDLESS_BODY));
    const response = await call(program.url, { headers: { cookie: visitor } });
    expect(response.status).toBe(200);
    let received = 0;
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await expect(
      (async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          received += value.byteLength;
        }
      })(),
    ).rejects.toThrow();
    expect(received).toBeLessThanOrEqual(Number(env.RESPONSE_MAX_BYTES));
    const record = await recordOf(visitor, response.headers.get("x-run-id") ?? "");
    expect(record.outcome).toBe("limit");
    expect(record.error).toMatchObject({ code: "limit_exceeded", limit: "responseBytes" });
  });

  it("sends a body that never gives a byte its headers at once, and cuts it at the time limit", async () => {
    const visitor = await newVisitor();
    const program = await submit(unique(SILENT_BODY));
    const started = Date.now();
    const response = await call(program.url, { headers: { cookie: visitor } });
    // Small answers are gathered whole before they go out (program-response.ts): a silent one must not
    // hold its caller's headers until the time limit.
    expect(Date.now() - started).toBeLessThan(Number(env.RESPONSE_MAX_MS) / 2);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    const record = await recordOf(visitor, response.headers.get("x-run-id") ?? "");
    expect(record.error).toMatchObject({ code: "limit_exceeded", limit: "responseMs" });
  });

  it("passes bodies of many chunks whole and in order, gathered or streamed", async () => {
    for (const [count, size] of [
      [3, 10],
      [40, 1000],
      [12, 30_000],
    ] as const) {
      const response = await call((await submit(unique(chunked(count, size)))).url);
      expect(response.status).toBe(200);
      const expected = Array.from({ length: count }, (_, n) => String.fromCharCode(97 + (n % 26)).repeat(size)).join(
        "",
      );
      expect(await response.text()).toBe(expected);
    }
  });

  it("cuts a body that does not finish in time and records the run as limit_exceeded", async () => {
    const visitor = await newVisitor();
    const program = await submit(unique(TRICKLING_BODY));
    const started = Date.now();
    const response = await call(program.url, { headers: { cookie: visitor } });
    await expect(response.text()).rejects.toThrow();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(Number(env.RESPONSE_MAX_MS) - 50);
    expect(took).toBeLessThan(Number(env.RESPONSE_MAX_MS) + 5_000);
    const record = await recordOf(visitor, response.headers.get("x-run-id") ?? "");
    expect(record.error).toMatchObject({ code: "limit_exceeded", limit: "responseMs" });
  });
});

describe("capability calls", () => {
  it("bounds env.STORE calls per run, with a documented error the program can catch", async () => {
    const program = await submit(unique(STORE_LOOP));
    for (let run = 0; run < 2; run++) {
      const body = (await (await call(program.url)).json()) as { calls: number; error: string | null };
      expect(body.calls).toBe(100);
      expect(body.error).toMatch(/at most 100 calls per run/);
    }
  });
});

describe("the run origin", () => {
  const RUN = "http://127.0.0.1:8788";
  const onRunOrigin = (path: string, init?: RequestInit) => exports.default.fetch(new Request(`${RUN}${path}`, init));

  it("serves a program's page with its own scripts, no visitor and no cookie, and nothing else", async () => {
    const page = "<!doctype html><title>mine</title><script>document.title = 'ran'</script>";
    const program = await submit(unique(answering(200, { "content-type": "text/html", "set-cookie": "a=b" }, page)));
    const response = await onRunOrigin(program.url);
    expect(response.status).toBe(200);
    expect(response.headers.has("content-security-policy")).toBe(false);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.text()).toBe(page);
    for (const path of ["/", "/api/history", `/api/programs/${program.hash}`, `/s/${program.hash}`]) {
      await expectError(await onRunOrigin(path), 404, "route_not_found");
    }
    await expectError(
      await onRunOrigin("/submit", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code: "return 1" }),
      }),
      404,
      "route_not_found",
    );
  });

  it("writes no history: neither there, nor when another site sends the visitor to a run", async () => {
    const visitor = await newVisitor();
    const program = await submit(unique("return 'hello';"));
    await (await onRunOrigin(program.url, { headers: { cookie: visitor } })).text();
    await (await call(program.url, { headers: { cookie: visitor, "sec-fetch-site": "cross-site" } })).text();
    await (await call(program.url, { headers: { cookie: visitor, "sec-fetch-site": "same-site" } })).text();
    const mine = await call(`${program.url}?prompt=mine`, { headers: { cookie: visitor } });
    await recordOf(visitor, mine.headers.get("x-run-id") ?? "");
    const history = (await (await call("/api/history", { headers: { cookie: visitor } })).json()) as HistoryAnswer;
    expect(history.entries.map((entry) => entry.prompt)).toEqual(["mine"]);
  });
});
