import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type {
  AdminTokenListAnswer,
  HistoryAnswer,
  HistoryEntry,
  SubmitAnswer,
  TokenCreatedAnswer,
  TokenListAnswer,
} from "../../src/base/answers";
import { call, expectError, newVisitor, ORIGIN, submit, unique } from "../support/workerd/api";
import { callSettled } from "../support/workerd/settled";

const SAME_ORIGIN = { origin: ORIGIN, "sec-fetch-site": "same-origin" };
const ADMIN_TOKEN = "operator-admin-token-for-tests";

function fetchWith(workerEnv: Env, path: string, init: RequestInit = {}): Promise<Response> {
  return callSettled(path, init, workerEnv);
}
const settled = (path: string, init?: RequestInit) => fetchWith(env, path, init);

/** A visitor (their cookie) and a token they made in the playground. */
async function visitorWithToken(name = "agent"): Promise<{ cookie: string; token: string; id: string }> {
  const cookie = await newVisitor();
  const response = await call("/tokens", {
    method: "POST",
    headers: { cookie, "content-type": "application/json", ...SAME_ORIGIN },
    body: JSON.stringify({ name }),
  });
  expect(response.status).toBe(201);
  const created = (await response.json()) as TokenCreatedAnswer;
  return { cookie, token: created.token, id: created.id };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function historyOf(headers: Record<string, string>): Promise<HistoryEntry[]> {
  const response = await call("/api/history", { headers });
  expect(response.status).toBe(200);
  return ((await response.json()) as HistoryAnswer).entries;
}

async function expectUnauthorized(response: Response, code: string) {
  expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="promptlog"/);
  if (code !== "token_required") expect(response.headers.get("www-authenticate")).toContain('error="invalid_token"');
  return expectError(response, 401, code);
}

describe("API tokens made in the playground", () => {
  it("are shown once, listed by name with created and last used, and kept only as their SHA-256", async () => {
    const { cookie, token, id } = await visitorWithToken("laptop script");
    expect(token).toMatch(/^pl_[A-Za-z0-9_-]{43}$/);
    const list = (await (await call("/tokens", { headers: { cookie } })).json()) as TokenListAnswer;
    expect(list.tokens).toEqual([{ id, name: "laptop script", created: expect.any(String), lastUsed: null }]);
    expect(JSON.stringify(list)).not.toContain(token);

    await call("/api/history", { headers: bearer(token) });
    const used = (await (await call("/tokens", { headers: { cookie } })).json()) as TokenListAnswer;
    expect(Date.now() - Date.parse(used.tokens[0]?.lastUsed ?? "")).toBeLessThan(60_000);

    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)));
    const hash = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
    await runInDurableObject(env.API_TOKENS.getByName("tokens"), (_object, state) => {
      const rows = state.storage.sql.exec("SELECT * FROM token WHERE id = ?", id).toArray();
      expect(rows).toHaveLength(1);
      expect(rows[0]?.hash).toBe(hash);
      expect(JSON.stringify(rows)).not.toContain(token.slice(3));
    });
  });

  it("put the token's runs in its owner's history, from a caller with no cookie, and set no cookie", async () => {
    const { cookie, token } = await visitorWithToken();
    const submitted = await settled("/submit", {
      method: "POST",
      headers: { "content-type": "application/json", ...bearer(token) },
      body: JSON.stringify({ code: unique("return prompt;") }),
    });
    expect(submitted.status).toBe(201);
    expect(submitted.headers.get("set-cookie")).toBeNull();
    const { url } = (await submitted.json()) as SubmitAnswer;
    const run = await settled(`${url}?prompt=from-the-agent`, { headers: bearer(token) });
    expect(run.status).toBe(200);
    expect(run.headers.get("set-cookie")).toBeNull();
    expect((await historyOf({ cookie })).map((e) => e.prompt)).toEqual(["from-the-agent"]);
    expect((await historyOf(bearer(token))).map((e) => e.prompt)).toEqual(["from-the-agent"]);
    // Someone else's cookie beside the token does not change whose run it is.
    const other = await newVisitor();
    await settled(`${url}?prompt=second`, { headers: { ...bearer(token), cookie: other } });
    expect(await historyOf({ cookie: other })).toEqual([]);
    expect((await historyOf({ cookie })).map((e) => e.prompt)).toEqual(["second", "from-the-agent"]);
  });

  it("need a playground visitor to make, list and revoke them; a token cannot manage tokens", async () => {
    const { token, id } = await visitorWithToken();
    const post = (headers: Record<string, string>) =>
      call("/tokens", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ name: "x" }),
      });
    await expectError(await post({}), 403, "session_required");
    await expectError(await post(bearer(token)), 403, "session_required");
    await expectError(await call("/tokens", { headers: bearer(token) }), 403, "session_required");
    await expectError(
      await call(`/tokens/${id}`, { method: "DELETE", headers: bearer(token) }),
      403,
      "session_required",
    );
    expect(await (await call("/tokens")).json()).toEqual({ tokens: [] });
    // From another site, with the visitor's cookie: refused like every cross-site write.
    const cookie = await newVisitor();
    await expectError(
      await post({ cookie, origin: "https://evil.example", "sec-fetch-site": "cross-site" }),
      403,
      "cross_site_request",
    );
  });

  it("answer 400 for a bad name and 409 past 20 active tokens", async () => {
    const cookie = await newVisitor();
    const post = (name: unknown) =>
      call("/tokens", {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({ name }),
      });
    for (const name of ["", "x".repeat(65), "tab\there", 7])
      await expectError(await post(name), 400, "invalid_request");
    for (let i = 0; i < 20; i++) expect((await post(`t${i}`)).status).toBe(201);
    await expectError(await post("one too many"), 409, "too_many_tokens");
  });

  it("are revoked by their owner only; a revoked token is refused with its own code", async () => {
    const alice = await visitorWithToken();
    const mallory = await newVisitor();
    await expectError(
      await call(`/tokens/${alice.id}`, { method: "DELETE", headers: { cookie: mallory } }),
      404,
      "token_not_found",
    );
    expect((await call("/api/history", { headers: bearer(alice.token) })).status).toBe(200);
    expect((await call(`/tokens/${alice.id}`, { method: "DELETE", headers: { cookie: alice.cookie } })).status).toBe(
      204,
    );
    await expectUnauthorized(await call("/api/history", { headers: bearer(alice.token) }), "token_revoked");
    await expectError(
      await call(`/tokens/${alice.id}`, { method: "DELETE", headers: { cookie: alice.cookie } }),
      404,
      "token_not_found",
    );
    expect(await (await call("/tokens", { headers: { cookie: alice.cookie } })).json()).toEqual({ tokens: [] });
    await expectError(
      await call("/tokens/not-a-uuid", { method: "DELETE", headers: { cookie: alice.cookie } }),
      400,
      "invalid_request",
    );
  });
});

describe("bearer tokens that are not good", () => {
  it.each([
    ["no token", "Bearer"],
    ["an empty token", "Bearer "],
    ["another scheme", "Basic dXNlcjpwYXNz"],
    ["a token of the wrong shape", "Bearer abc"],
    ["a token with a space in it", `Bearer pl_${"a".repeat(20)} ${"a".repeat(22)}`],
    ["a token one character short", `Bearer pl_${"a".repeat(42)}`],
  ])("answer 401 token_malformed for %s", async (_what, header) => {
    await expectUnauthorized(await call("/api/history", { headers: { authorization: header } }), "token_malformed");
  });

  it("answer token_unknown alike for a token never issued and for a real one with a wrong secret", async () => {
    const { token } = await visitorWithToken();
    const wrong = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    const never = `pl_${"A".repeat(43)}`;
    const bodies = [];
    for (const candidate of [wrong, never]) {
      const response = await call("/api/history", { headers: bearer(candidate) });
      bodies.push(await expectUnauthorized(response, "token_unknown"));
    }
    expect(bodies[0]).toEqual(bodies[1]);
  });

  it("are never a fallback to the cookie: a bad token with a good cookie is still 401, and nothing runs", async () => {
    const cookie = await newVisitor();
    const program = await submit(unique("return prompt;"));
    await expectUnauthorized(
      await settled(`${program.url}?prompt=x`, { headers: { cookie, authorization: `Bearer pl_${"Z".repeat(43)}` } }),
      "token_unknown",
    );
    expect(await historyOf({ cookie })).toEqual([]);
  });
});

describe("bearer requests from another site", () => {
  it("skip the same-origin check only when a token authenticated them", async () => {
    const { token } = await visitorWithToken();
    const crossSite = { origin: "https://elsewhere.example", "sec-fetch-site": "cross-site" };
    const body = JSON.stringify({ code: unique("return 1;") });
    const withToken = await call("/submit", {
      method: "POST",
      headers: { "content-type": "application/json", ...crossSite, ...bearer(token) },
      body,
    });
    expect(withToken.status).toBe(201);
    const cookie = await newVisitor();
    await expectError(
      await call("/submit", {
        method: "POST",
        headers: { "content-type": "application/json", ...crossSite, cookie },
        body,
      }),
      403,
      "cross_site_request",
    );
    await expectUnauthorized(
      await call("/submit", {
        method: "POST",
        headers: { "content-type": "application/json", ...crossSite, authorization: "Bearer nope" },
        body,
      }),
      "token_malformed",
    );
  });
});

describe("REQUIRE_TOKEN", () => {
  const required = { ...env, REQUIRE_TOKEN: "true" } as Env;
  const get = (path: string, headers: Record<string, string> = {}) => fetchWith(required, path, { headers });

  it("refuses anonymous API calls with 401 and WWW-Authenticate: Bearer", async () => {
    const program = await submit(unique("return prompt;"));
    await expectUnauthorized(
      await fetchWith(required, "/submit", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code: "return 1;" }),
      }),
      "token_required",
    );
    for (const path of [`${program.url}?prompt=x`, "/api/history", `/api/programs/${program.hash}`, "/tokens"]) {
      await expectUnauthorized(await get(path), "token_required");
    }
    // The agent routes too: one-call execution, calls, and the MCP server.
    for (const [path, body] of [
      ["/api/execute", { code: "return 1;" }],
      [`/call/${program.hash}/add`, []],
      ["/mcp", { jsonrpc: "2.0", id: 1, method: "tools/list" }],
    ] as const) {
      const response = await fetchWith(required, path, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
        body: JSON.stringify(body),
      });
      await expectUnauthorized(response, "token_required");
    }
    // A cookie alone, not sent by the page (no Sec-Fetch-Site), is not the page.
    const cookie = await newVisitor();
    await expectUnauthorized(await get("/api/history", { cookie }), "token_required");
    // A page's request with a cookie the server never signed is not the page's either.
    await expectUnauthorized(
      await get("/api/history", { cookie: "promptlog_visitor=forged", "sec-fetch-site": "same-origin" }),
      "token_required",
    );
  });

  it("lets tokens through, and keeps the page working for its visitors", async () => {
    const { token } = await visitorWithToken();
    const program = await submit(unique("return prompt;"));
    expect(await (await get(`${program.url}?prompt=hi`, bearer(token))).json()).toBe("hi");
    const mcp = await fetchWith(required, "/mcp", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...bearer(token) },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(mcp.status).toBe(200);
    expect((await get("/")).status).toBe(200);
    expect((await get(`/s/${program.hash}`)).status).toBe(200);
    expect((await get("/openapi.json")).status).toBe(200);
    const page = await get("/");
    const cookie = /promptlog_visitor=[^;]+/.exec(page.headers.get("set-cookie") ?? "")?.[0] ?? "";
    const fromPage = { cookie, "sec-fetch-site": "same-origin" };
    expect((await get("/api/history", fromPage)).status).toBe(200);
    expect((await get(`${program.url}?prompt=hi`, fromPage)).status).toBe(200);
    expect((await get("/tokens", fromPage)).status).toBe(200);
  });
});

describe("rate limits with a token", () => {
  it("count per token: one token's 61st submit in a minute is refused, another's from the same address is not", async () => {
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 30_000) await new Promise((resolve) => setTimeout(resolve, left + 250));
    const address = "198.51.100.23";
    const first = await visitorWithToken();
    const second = await visitorWithToken();
    const submitAs = (token: string, i: number) =>
      call("/submit", {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": address, ...bearer(token) },
        body: JSON.stringify({ code: unique(`return ${i};`) }),
      });
    for (let i = 0; i < 60; i++) expect((await submitAs(first.token, i)).status).toBe(201);
    await expectError(await submitAs(first.token, 60), 429, "rate_limited");
    expect((await submitAs(second.token, 61)).status).toBe(201);
    const anonymous = await call("/submit", {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": address },
      body: JSON.stringify({ code: unique("return 'anonymous';") }),
    });
    expect(anonymous.status).toBe(201);
  }, 60_000);
});

describe("the operator's tokens (/admin/tokens)", () => {
  const admin = { ...env, ADMIN_TOKEN } as Env;
  const asAdmin = (path: string, init: RequestInit = {}, key = ADMIN_TOKEN) =>
    fetchWith(admin, path, { ...init, headers: { "x-admin-token": key, ...init.headers } });

  it("do not exist without ADMIN_TOKEN", async () => {
    for (const method of ["GET", "POST", "DELETE", "PUT"]) {
      const path = method === "DELETE" ? `/admin/tokens/${crypto.randomUUID()}` : "/admin/tokens";
      await expectError(
        await call(path, { method, headers: { "x-admin-token": ADMIN_TOKEN } }),
        404,
        "route_not_found",
      );
    }
  });

  it("refuse a missing or wrong key", async () => {
    await expectError(await fetchWith(admin, "/admin/tokens"), 403, "admin_forbidden");
    await expectError(await asAdmin("/admin/tokens", {}, `${ADMIN_TOKEN}x`), 403, "admin_forbidden");
    await expectError(await asAdmin("/admin/tokens", {}, ADMIN_TOKEN.slice(0, -1)), 403, "admin_forbidden");
  });

  it("make tokens for a named owner whose runs share one history, list them, and revoke them", async () => {
    const owner = `ci-${crypto.randomUUID()}`;
    const make = async (name: string) => {
      const response = await asAdmin("/admin/tokens", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ owner, name }),
      });
      expect(response.status).toBe(201);
      return (await response.json()) as TokenCreatedAnswer;
    };
    const one = await make("nightly");
    const two = await make("deploys");
    const program = await submit(unique("return prompt;"));
    await settled(`${program.url}?prompt=by-one`, { headers: bearer(one.token) });
    expect((await historyOf(bearer(two.token))).map((e) => e.prompt)).toEqual(["by-one"]);

    const list = (await (await asAdmin(`/admin/tokens?owner=${owner}`)).json()) as AdminTokenListAnswer;
    expect(list.tokens.map((t) => [t.name, t.ownerName])).toEqual([
      ["nightly", owner],
      ["deploys", owner],
    ]);
    expect(JSON.stringify(list)).not.toContain(one.token);
    expect(await (await asAdmin("/admin/tokens?owner=nobody-at-all")).json()).toEqual({ tokens: [] });

    expect((await asAdmin(`/admin/tokens/${one.id}`, { method: "DELETE" })).status).toBe(204);
    await expectUnauthorized(await call("/api/history", { headers: bearer(one.token) }), "token_revoked");
    await expectError(await asAdmin(`/admin/tokens/${one.id}`, { method: "DELETE" }), 404, "token_not_found");
    // The operator revokes any owner's token, a visitor's too.
    const visitor = await visitorWithToken();
    expect((await asAdmin(`/admin/tokens/${visitor.id}`, { method: "DELETE" })).status).toBe(204);
    await expectUnauthorized(await call("/api/history", { headers: bearer(visitor.token) }), "token_revoked");
  });
});
