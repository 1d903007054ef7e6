import { describe, expect, it } from "vitest";
import type { SubmitAnswer } from "../../src/base/answers";
import { call, expectError, newVisitor, postJson, submit, unique } from "../support/workerd/api";

const REFERENCE_SNIPPET =
  "const words = prompt.split(' '); const reversed = words.reverse().join(' '); const result = { original: prompt, reversed, wordCount: words.length, timestamp: new Date().toISOString() };";
const REFERENCE_MODULE =
  "export default { async fetch(req) { const { searchParams } = new URL(req.url); const prompt = searchParams.get('q') ?? 'Hello'; return new Response(prompt.toUpperCase(), { headers: { 'content-type': 'text/plain' } }); } }";

async function runJson(url: string) {
  const response = await call(url);
  expect(response.status).toBe(200);
  return response.json() as Promise<Record<string, unknown>>;
}

describe("the reference examples, verbatim", () => {
  it("runs the word-reverser snippet", async () => {
    const program = await submit(REFERENCE_SNIPPET);
    expect(program.mode).toBe("snippet");
    const response = await call(`${program.url}?prompt=${encodeURIComponent("hello brave new world")}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ original: "hello brave new world", reversed: "world new brave hello", wordCount: 4 });
    expect(Date.parse(String(body.timestamp))).not.toBeNaN();
  });

  it("runs the uppercase module, with q as an alias of prompt", async () => {
    const program = await submit(REFERENCE_MODULE);
    expect(program.mode).toBe("module");
    for (const query of ["prompt=make%20me%20loud", "q=make%20me%20loud"]) {
      const response = await call(`${program.url}?${query}`);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("text/plain");
      expect(await response.text()).toBe("MAKE ME LOUD");
    }
  });
});

describe("module mode", () => {
  it("passes the program's status, headers and body through, and the prompt as q and prompt", async () => {
    const program = await submit(
      unique(`export default { fetch(req) {
        const url = new URL(req.url);
        return Response.json({ q: url.searchParams.get("q"), prompt: url.searchParams.get("prompt"), method: req.method, limit: url.searchParams.get("limit") },
          { status: 418, headers: { "x-made-by": "program" } });
      } }`),
    );
    const response = await call(`${program.url}?prompt=${encodeURIComponent("a&b=c ü")}&limit=3`);
    expect(response.status).toBe(418);
    expect(response.headers.get("x-made-by")).toBe("program");
    expect(await response.json()).toEqual({ q: "a&b=c ü", prompt: "a&b=c ü", method: "GET", limit: "3" });
  });

  it("forwards a POST body and its content type, so a program can transform data", async () => {
    const program = await submit(
      unique(`export default { async fetch(req) {
        const rows = await req.json();
        const keys = Object.keys(rows[0]);
        const csv = [keys.join(","), ...rows.map((row) => keys.map((key) => row[key]).join(","))].join("\\n");
        return new Response(csv, { headers: { "content-type": "text/csv", "x-got-type": req.headers.get("content-type") } });
      } }`),
    );
    const response = await call(program.url, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: "promptlog_visitor=secret" },
      body: JSON.stringify([
        { a: 1, b: 2 },
        { a: 3, b: 4 },
      ]),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-got-type")).toBe("application/json");
    expect(await response.text()).toBe("a,b\n1,2\n3,4");
  });

  it("never lets the caller's cookies or headers into the isolate", async () => {
    const program = await submit(unique(`export default { fetch(req) { return Response.json([...req.headers]) } }`));
    // The visitor's cookie and a real API token of theirs: neither reaches the program.
    const cookie = await newVisitor();
    const made = await call("/tokens", {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ name: "run test" }),
    });
    const { token } = (await made.json()) as { token: string };
    const response = await call(program.url, { headers: { cookie, authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
  });

  it("answers 413 for a POST body over 1 MiB", async () => {
    const program = await submit(unique(`export default { fetch(req) { return new Response("ok") } }`));
    const response = await call(program.url, { method: "POST", body: "x".repeat(1024 * 1024 + 1) });
    await expectError(response, 413, "body_too_large");
  });

  it("strips cookies the program sets and always sandboxes its response", async () => {
    const program = await submit(
      unique(
        `export default { fetch() { return new Response("<h1>hi</h1>", { headers: { "content-type": "text/html", "set-cookie": "promptlog_visitor=attacker", "content-security-policy": "default-src *" } }) } }`,
      ),
    );
    // A visitor who has their cookie already, so any Set-Cookie could only be the program's.
    const response = await call(program.url, { headers: { cookie: await newVisitor() } });
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(response.headers.get("content-security-policy")).toBe("sandbox");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("snippet mode", () => {
  it("returns the value a snippet returns, or assigns to result without declaring it", async () => {
    expect(await runJson(`${(await submit(unique("return { length: prompt.length };"))).url}?prompt=abcd`)).toEqual({
      length: 4,
    });
    expect(await runJson(`${(await submit(unique("result = prompt + '!';"))).url}?prompt=hi`)).toBe("hi!");
    expect(await runJson(`${(await submit(unique("var result = [prompt];"))).url}?q=x`)).toEqual(["x"]);
    expect(await runJson(`${(await submit(unique("await Promise.resolve(); let result = 2 * 21;"))).url}`)).toBe(42);
  });

  it("answers null when the snippet produces nothing", async () => {
    const response = await call((await submit(unique("const unused = prompt;"))).url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("null");
  });
});

describe("the isolate sees nothing of the host", () => {
  it("blocks fetch()", async () => {
    const program = await submit(
      unique(
        `export default { async fetch() { await fetch("http://localhost:8787/api/history"); return new Response("reached") } }`,
      ),
    );
    const error = await expectError(await call(program.url), 502, "program_exception");
    expect(error.message).toMatch(/not permitted to access the internet/);
  });

  it("blocks connect()", async () => {
    const program = await submit(
      unique(`import { connect } from "cloudflare:sockets";
export default { async fetch() { const socket = connect("localhost:8787"); await socket.opened; return new Response("connected") } }`),
    );
    const error = await expectError(await call(program.url), 502, "program_exception");
    expect(error.message).toMatch(/not permitted to access the internet/);
  });

  it("hands the program only its STORE capability and no host bindings", async () => {
    const program = await submit(
      unique(`export default { fetch(req, env) {
        const names = ["LOADER", "PROGRAMS", "PROMPT_LOG", "ASSETS", "RUN_CPU_MS"];
        return Response.json({
          env: Object.keys(env),
          globals: names.filter((name) => name in globalThis),
          processEnv: typeof process === "object" && process.env ? Object.keys(process.env) : [],
        });
      } }`),
    );
    expect(await runJson(program.url)).toEqual({ env: ["STORE"], globals: [], processEnv: [] });
  });
});

describe("run errors", () => {
  it("answers 400 for a malformed hash, and never runs a shortened one", async () => {
    const program = await submit(unique("return 1;"));
    for (const bad of [
      "abc",
      program.hash.slice(0, 8),
      program.hash.toUpperCase(),
      `${program.hash}0`,
      "g".repeat(64),
    ]) {
      await expectError(await call(`/run/${bad}`), 400, "invalid_hash");
    }
  });

  it("answers 404 for a hash that was never submitted", async () => {
    await expectError(await call(`/run/${"0".repeat(64)}`), 404, "program_not_found");
  });

  it("answers 413 for a prompt over 16 KiB", async () => {
    const program = await submit(unique("return prompt.length;"));
    await expectError(await call(`${program.url}?prompt=${"x".repeat(16 * 1024 + 1)}`), 413, "prompt_too_large");
    expect(await runJson(`${program.url}?prompt=${"x".repeat(16 * 1024)}`)).toBe(16 * 1024);
  });

  it("answers 422 with the runtime's message for a syntax error, in both modes", async () => {
    const module = await submit(unique("export default { fetch( }"));
    expect(module.mode).toBe("module");
    const moduleError = await expectError(await call(module.url), 422, "load_error");
    expect(moduleError.message).toMatch(/SyntaxError/);
    expect(moduleError.message).toMatch(/program\.js:1:/);

    const snippet = await submit(unique("const x = ;"), "snippet");
    const snippetError = await expectError(await call(snippet.url), 422, "load_error");
    expect(snippetError.message).toMatch(/SyntaxError/);
  });

  it("loads a program at submit time, into the isolate its runs use; a load error shows in the submit's answer", async () => {
    const counted = await submit(
      unique(
        "let loadedAt = Date.now(); let runs = 0; export default { fetch() { return Response.json({ loadedAt, runs: ++runs }) } }",
      ),
    );
    expect(counted.loaded).toBe(true);
    const first = (await (await call(counted.url)).json()) as { loadedAt: number; runs: number };
    expect(first.runs).toBe(1);
    expect(first.loadedAt).toBeLessThanOrEqual(Date.now());
    expect(await (await call(counted.url)).json()).toEqual({ loadedAt: first.loadedAt, runs: 2 });

    const broken = await postJson("/submit", { code: unique("export default { fetch( }") });
    expect(broken.status).toBe(201);
    const answer = (await broken.json()) as SubmitAnswer;
    expect(answer.loaded).toBe(false);
    expect(answer.loadError?.code).toBe("load_error");
    expect(answer.loadError?.message).toMatch(/SyntaxError/);
  });

  it("answers 422 for a module without a default export, or one that throws while loading", async () => {
    const noDefault = await submit(unique("export const handler = 1;"), "module");
    expect((await expectError(await call(noDefault.url), 422, "load_error")).message).toMatch(/default export/);
    const noFetch = await submit(unique("export default { hello: 1 }"));
    expect((await expectError(await call(noFetch.url), 422, "load_error")).message).toMatch(/fetch/);
    const throwsAtTop = await submit(unique("throw new Error('top-level failure'); export default {}"));
    expect((await expectError(await call(throwsAtTop.url), 422, "load_error")).message).toMatch(/top-level failure/);
  });

  it("answers 502 with the program's message and stack when it throws", async () => {
    const program = await submit(
      unique(
        `export default { fetch(req) {\n  throw new RangeError("prompt too short: " + new URL(req.url).searchParams.get("q"));\n} }`,
      ),
    );
    const error = await expectError(await call(`${program.url}?q=hi`), 502, "program_exception");
    expect(error.name).toBe("RangeError");
    expect(error.message).toBe("RangeError: prompt too short: hi");
    expect(error.stack).toMatch(/program\.js:2:/);

    const snippet = await submit(unique("null.boom;"));
    const snippetError = await expectError(await call(snippet.url), 502, "program_exception");
    expect(snippetError.name).toBe("TypeError");

    const thrownString = await submit(unique("throw 'plain string';"));
    expect((await expectError(await call(thrownString.url), 502, "program_exception")).message).toMatch(/plain string/);
  });

  it("answers 502 when a module's fetch does not return a Response", async () => {
    const program = await submit(unique("export default { fetch() { return 'text' } }"));
    expect((await expectError(await call(program.url), 502, "program_exception")).message).toMatch(
      /must return a Response/,
    );
  });
});
