/// <reference types="vite/client" />
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmitAnswer, TokenCreatedAnswer } from "../../src/base/answers";
import { validate } from "../support/json-schema";
import { newVisitor, unique } from "../support/workerd/api";
import { callSettled } from "../support/workerd/settled";

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Json }>; headers?: Record<string, unknown> }>;
  requestBody?: { content: Record<string, { schema?: Json }> };
  parameters: { name: string; in: string }[];
}

const ADMIN_TOKEN = "openapi-test-admin-token";
const adminEnv = { ...env, ADMIN_TOKEN } as Env;
const requiredEnv = { ...env, REQUIRE_TOKEN: "true" } as Env;

let document: { openapi: string; paths: Record<string, Record<string, Operation>> };
/** "get /run/{hash} 200", for every answer checked against the document. */
const checked = new Set<string>();

function fetchWith(workerEnv: Env, path: string, init: RequestInit = {}): Promise<Response> {
  return callSettled(path, init, workerEnv);
}

/**
 * One real request and its answer, checked against the document: the route and its status are
 * documented (or its `default`), the content type is the documented one, and a JSON body fits the
 * documented schema. A JSON request body is checked against the request schema first.
 */
async function check(
  method: "get" | "post" | "delete",
  template: string,
  path: string,
  init: RequestInit & { json?: unknown; badJson?: unknown } = {},
  workerEnv: Env = env,
): Promise<Response> {
  const operation = document.paths[template]?.[method];
  expect(operation, `${method} ${template} is in the document`).toBeDefined();
  const { json: good, badJson, ...rest } = init;
  const json = good ?? badJson;
  if (json !== undefined) {
    const schema = operation?.requestBody?.content["application/json"]?.schema;
    expect(schema, `${method} ${template} documents a JSON body`).toBeDefined();
    const problems = validate(schema ?? {}, json);
    // A body the document allows is one the route takes; one it refuses, the route refuses too (below).
    if (badJson === undefined) expect(problems, `the request body fits ${method} ${template}`).toEqual([]);
    else expect(problems, `the document refuses ${JSON.stringify(badJson)}`).not.toEqual([]);
  }
  const response = await fetchWith(workerEnv, path, {
    method: method.toUpperCase(),
    ...rest,
    ...(json !== undefined
      ? { body: JSON.stringify(json), headers: { "content-type": "application/json", ...rest.headers } }
      : {}),
  });
  const documented = operation?.responses[String(response.status)] ?? operation?.responses.default;
  const text = await response.clone().text();
  expect(documented, `${method} ${template} documents ${response.status} (${text.slice(0, 300)})`).toBeDefined();
  const content = documented?.content;
  if (content?.["application/json"]) {
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const schema = content["application/json"].schema;
    if (schema) {
      expect(
        validate(schema, JSON.parse(text)),
        `${method} ${template} ${response.status}: ${text.slice(0, 300)}`,
      ).toEqual([]);
    }
  } else if (content?.["text/html"]) {
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
  } else if (!content) {
    expect(text).toBe("");
  }
  if (badJson !== undefined)
    expect(response.status, "a body the document refuses is refused").toBeGreaterThanOrEqual(400);
  checked.add(`${method} ${template} ${response.status}`);
  return response;
}

const tokenHeaders = (token: string) => ({ authorization: `Bearer ${token}` });

describe("GET /openapi.json", () => {
  let cookie = "";
  let token = "";
  let snippet: SubmitAnswer;
  let module: SubmitAnswer;

  beforeAll(async () => {
    const response = await fetchWith(env, "/openapi.json");
    expect(response.status).toBe(200);
    document = (await response.json()) as typeof document;
    cookie = await newVisitor();
    const made = await fetchWith(env, "/tokens", {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ name: "openapi" }),
    });
    token = ((await made.json()) as TokenCreatedAnswer).token;
  });

  it("is OpenAPI 3.1 and documents exactly the routes the app has", async () => {
    expect(document.openapi).toBe("3.1.0");
    // Every Hono route of src/routes, as the document writes paths.
    const modules = import.meta.glob("../../src/routes/*.{ts,tsx}", { eager: true }) as Record<string, Json>;
    const routes = new Set<string>();
    for (const exported of Object.values(modules).flatMap((module) => Object.values(module))) {
      if (!(exported instanceof Hono)) continue;
      for (const route of exported.routes) {
        if (route.method === "ALL") continue; // middleware
        routes.add(`${route.method.toLowerCase()} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
      }
    }
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`)),
    );
    expect([...documented].sort()).toEqual([...routes].sort());
  });

  it("answers 405 with Allow naming exactly the documented methods of a documented path", async () => {
    const hash = "a".repeat(64);
    const samples: Record<string, string> = { hash, id: crypto.randomUUID(), name: "add" };
    for (const [template, item] of Object.entries(document.paths)) {
      if (template.startsWith("/admin/")) continue; // 404 without ADMIN_TOKEN, by design
      const path = template.replace(/\{(\w+)\}/g, (_m, name: string) => samples[name] ?? name);
      const response = await fetchWith(env, path, { method: "PUT" });
      expect(response.status, template).toBe(405);
      const allow = (response.headers.get("allow") ?? "").split(", ").map((m) => m.toLowerCase());
      const expected = Object.keys(item).flatMap((m) => (m === "get" ? ["get", "head"] : [m]));
      expect(new Set(allow), template).toEqual(new Set(expected));
    }
  });

  it("describes the page, share links and itself", async () => {
    await check("get", "/", "/");
    await check("get", "/s/{hash}", `/s/${"b".repeat(64)}`);
    await check("get", "/openapi.json", "/openapi.json");
  });

  it("describes submits and runs, and their errors", async () => {
    const submitted = await check("post", "/submit", "/submit", { json: { code: unique("return prompt;") } });
    snippet = (await submitted.json()) as SubmitAnswer;
    await check("get", "/s/{hash}", `/s/${snippet.hash}`);
    await check("post", "/submit", "/submit", { badJson: { code: "" } });
    await check("post", "/submit", "/submit", { badJson: { code: 1 } });
    await check("post", "/submit", "/submit", { badJson: { code: "return 1;", extra: true } });
    await check("post", "/submit", "/submit", { badJson: { code: "return 1;", mode: "script" } });
    const files = {
      "src/index.ts":
        "export function add(a: number, b: number) { return a + b; }\nexport default { fetch() { return new Response('m') } };",
    };
    module = (await (
      await check("post", "/submit", "/submit", {
        json: { files: { ...files, "src/x.ts": `// ${crypto.randomUUID()}` } },
      })
    ).json()) as SubmitAnswer;
    await check("post", "/submit", "/submit", {
      json: { files: { ...files, "src/x.ts": `// ${crypto.randomUUID()}` } },
    }); // 201 again, new
    await check("post", "/submit", "/submit", { body: "{", headers: { "content-type": "application/json" } });
    await check("post", "/submit", "/submit", { body: "return 1", headers: { "content-type": "text/plain" } });
    await check("post", "/submit", "/submit", {
      body: "{}",
      headers: { "content-type": "application/json", origin: "https://evil.example" },
    });
    await check("post", "/submit", "/submit", { json: { code: "return 1;" }, headers: tokenHeaders("nope") });
    await check("post", "/submit", "/submit", {
      json: { code: "return 1;" },
      headers: tokenHeaders(`pl_${"Q".repeat(43)}`),
    });
    await check("post", "/submit", "/submit", { json: { files: { "src/index.ts": "export default {" } } });
    await check("post", "/submit", "/submit", { json: { code: "return 1;" } }, requiredEnv);

    await check("get", "/run/{hash}", `/run/${snippet.hash}?prompt=hi`, { headers: { cookie } });
    await check("get", "/run/{hash}", "/run/nothex");
    await check("get", "/run/{hash}", `/run/${"c".repeat(64)}`);
    await check("get", "/run/{hash}", `/run/${snippet.hash}?prompt=${"x".repeat(17 * 1024)}`);
    const throwing = (await (
      await fetchWith(env, "/submit", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code: unique("throw new Error('no');") }),
      })
    ).json()) as SubmitAnswer;
    await check("get", "/run/{hash}", `${throwing.url}?prompt=x`);
    await check("post", "/run/{hash}", `/run/${snippet.hash}`, {
      body: "x",
      headers: { "content-type": "text/plain" },
    });
    await check("post", "/run/{hash}", `/run/${snippet.hash}`, { body: "x".repeat(1024 * 1024 + 1) });
    await check("get", "/run/{hash}", `/run/${snippet.hash}`, {}, requiredEnv);
  });

  it("describes the agent routes: execute, call and MCP", async () => {
    await check("post", "/api/execute", "/api/execute", { json: { code: "return prompt + 1;", prompt: "a" } });
    await check("post", "/api/execute", "/api/execute", { json: { code: unique("throw new Error('x');") } });
    await check("post", "/api/execute", "/api/execute", { badJson: { code: 5 } });
    await check("post", "/api/execute", "/api/execute", { json: { code: "export default {", mode: "module" } });

    await check("post", "/call/{hash}/{name}", `/call/${module.hash}/add`, { json: [1, 2] });
    await check("post", "/call/{hash}/{name}", `/call/${module.hash}/nothing`, { json: [] });
    await check("post", "/call/{hash}/{name}", `/call/${module.hash}/add`, {
      body: '{"not":"an array"}',
      headers: { "content-type": "application/json" },
    });
    await check("post", "/call/{hash}/{name}", `/call/${"d".repeat(64)}/add`, { json: [] });

    const mcpHeaders = { accept: "application/json, text/event-stream" };
    await check("post", "/mcp", "/mcp", {
      headers: mcpHeaders,
      json: {
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "openapi-test", version: "1" } },
      },
    });
    await check("post", "/mcp", "/mcp", { headers: mcpHeaders, json: { jsonrpc: "2.0", id: 2, method: "tools/list" } });
    await check(
      "post",
      "/mcp",
      "/mcp",
      { headers: mcpHeaders, json: { jsonrpc: "2.0", id: 3, method: "tools/list" } },
      requiredEnv,
    );
  });

  it("describes history, run records and programs", async () => {
    const run = await fetchWith(env, `${snippet.url}?prompt=recorded`, { headers: { cookie } });
    const runId = run.headers.get("x-run-id") ?? "";
    await check("get", "/api/history", "/api/history", { headers: { cookie } });
    await check("get", "/api/history", "/api/history", { headers: tokenHeaders(token) });
    await check("get", "/api/runs/{id}", `/api/runs/${runId}`, { headers: { cookie } });
    await check("get", "/api/runs/{id}", "/api/runs/nope", { headers: { cookie } });
    await check("get", "/api/runs/{id}", `/api/runs/${crypto.randomUUID()}`, { headers: { cookie } });
    await check("get", "/api/programs/{hash}", `/api/programs/${snippet.hash}`);
    await check("get", "/api/programs/{hash}", `/api/programs/${module.hash}`);
    await check("get", "/api/programs/{hash}", `/api/programs/${"e".repeat(64)}`);
    await check("get", "/api/programs/{hash}", "/api/programs/x");
    await check("delete", "/api/history", "/api/history", { headers: { cookie } });
    await check("delete", "/api/history", "/api/history", { headers: { cookie, "sec-fetch-site": "cross-site" } });
    await check("get", "/api/history", "/api/history", { headers: { cookie } }, requiredEnv);
  });

  it("describes tokens, and the operator's routes", async () => {
    await check("get", "/tokens", "/tokens", { headers: { cookie } });
    await check("get", "/tokens", "/tokens", { headers: tokenHeaders(token) });
    const made = await check("post", "/tokens", "/tokens", { headers: { cookie }, json: { name: "second" } });
    const { id } = (await made.json()) as TokenCreatedAnswer;
    await check("post", "/tokens", "/tokens", { json: { name: "no cookie" } });
    await check("post", "/tokens", "/tokens", { headers: { cookie }, badJson: { name: "" } });
    await check("post", "/tokens", "/tokens", { headers: { cookie }, badJson: { name: "x", owner: "y" } });
    await check("delete", "/tokens/{id}", `/tokens/${id}`, { headers: { cookie } });
    await check("delete", "/tokens/{id}", `/tokens/${id}`, { headers: { cookie } });
    await check("delete", "/tokens/{id}", "/tokens/x", { headers: { cookie } });

    const admin = { "x-admin-token": ADMIN_TOKEN };
    const created = await check(
      "post",
      "/admin/tokens",
      "/admin/tokens",
      { headers: admin, json: { owner: "openapi", name: "op" } },
      adminEnv,
    );
    await check("get", "/admin/tokens", "/admin/tokens?owner=openapi", { headers: admin }, adminEnv);
    await check("get", "/admin/tokens", "/admin/tokens", { headers: { "x-admin-token": "wrong" } }, adminEnv);
    await check("get", "/admin/tokens", "/admin/tokens", { headers: admin });
    await check(
      "delete",
      "/admin/tokens/{id}",
      `/admin/tokens/${((await created.json()) as TokenCreatedAnswer).id}`,
      { headers: admin },
      adminEnv,
    );
    await check("delete", "/admin/tokens/{id}", `/admin/tokens/${crypto.randomUUID()}`, { headers: admin }, adminEnv);
    await check(
      "post",
      "/admin/tokens",
      "/admin/tokens",
      { headers: admin, badJson: { owner: "", name: "x" } },
      adminEnv,
    );
  });

  afterAll(() => {
    // Every operation was seen answering at least once with success, in the document's terms.
    const succeeded = new Set(
      [...checked].filter((entry) => /\s2\d\d$/.test(entry)).map((entry) => entry.replace(/\s\d+$/, "")),
    );
    const operations = Object.entries(document?.paths ?? {}).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(operations.filter((operation) => !succeeded.has(operation))).toEqual([]);
  });
});
