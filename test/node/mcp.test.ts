import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devLineForSuite } from "../support/node/dev-line.ts";

/** The text of a tool result, parsed: every tool answers JSON text. */
function parsed(result: Awaited<ReturnType<Client["callTool"]>>): Record<string, unknown> {
  const content = result.content as { type: string; text: string }[];
  expect(content[0]?.type).toBe("text");
  return JSON.parse(content[0]?.text ?? "null") as Record<string, unknown>;
}

describe("the MCP server at /mcp, with the SDK's own client, on the README's dev line", () => {
  const server = devLineForSuite();
  let client: Client;
  beforeAll(async () => {
    client = new Client({ name: "promptlog-test", version: "1.0.0" });
    // The suite's visitor, so the tools' runs land in a history this test can read.
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${server.origin}/mcp`), {
        requestInit: { headers: { cookie: server.cookie } },
      }),
    );
  });
  afterAll(async () => {
    await client?.close();
  });

  it("lists the six tools, each with a JSON Schema input and the program's TypeScript API", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(["execute", "submit", "run", "call", "get_program", "recent_runs"]);
    const execute = tools.find((tool) => tool.name === "execute");
    expect(execute?.inputSchema).toMatchObject({ type: "object", additionalProperties: false });
    const properties = execute?.inputSchema.properties as Record<string, unknown>;
    expect(Object.keys(properties)).toEqual(
      expect.arrayContaining(["code", "files", "language", "mode", "network", "prompt", "input"]),
    );
    expect(JSON.stringify(properties.code)).toContain('"type":"string"');
    for (const declaration of ["declare const prompt: string", "STORE: {", "fetch(request: Request", "network: true"]) {
      expect(execute?.description).toContain(declaration);
    }
    expect(tools.find((tool) => tool.name === "call")?.inputSchema).toMatchObject({
      required: expect.arrayContaining(["hash", "export"]),
    });
  });

  it("answers a program's throw as a tool result with isError and the user's own line, never a protocol error", async () => {
    const result = await client.callTool({
      name: "execute",
      arguments: { code: `console.log("start");\nthrow new TypeError("bad " + prompt);`, prompt: "input" },
    });
    expect(result.isError).toBe(true);
    const answer = parsed(result);
    expect(answer.error).toMatchObject({
      code: "program_exception",
      message: "TypeError: bad input",
      location: { line: 2 },
    });
    expect(answer.console).toMatchObject({ logs: [expect.objectContaining({ message: "start" })] });
  });

  it("answers bad input, a build error and an unknown export as isError results", async () => {
    // null is what the schema allows for a field left out (its JSON form): it runs as if left out.
    const nulls = parsed(await client.callTool({ name: "execute", arguments: { code: "return 7", prompt: null } }));
    expect(nulls).toMatchObject({ result: 7 });
    const bad = await client.callTool({ name: "execute", arguments: { code: 42 } });
    expect(bad.isError).toBe(true);
    expect(parsed(bad)).toMatchObject({ error: { code: "invalid_request" } });
    const build = await client.callTool({ name: "submit", arguments: { code: "const x: = 1;", language: "ts" } });
    expect(build.isError).toBe(true);
    expect(parsed(build)).toMatchObject({ error: { code: "compile_error", location: { line: 1 } } });
    const submitted = parsed(
      await client.callTool({
        name: "submit",
        arguments: { code: "export function f() { return 1 }", mode: "module" },
      }),
    );
    for (const name of ["constructor", "__proto__", "fetch", "g"]) {
      const missing = await client.callTool({ name: "call", arguments: { hash: submitted.hash, export: name } });
      expect(missing.isError, name).toBe(true);
      expect(parsed(missing), name).toMatchObject({ error: { code: "export_not_found" } });
    }
  });

  it("caps a huge result for a model's context, and says so", async () => {
    const result = await client.callTool({
      name: "execute",
      arguments: { code: `return "x".repeat(10 * 1024 * 1024);` },
    });
    const text = (result.content as { text: string }[])[0]?.text ?? "";
    expect(text.length).toBeLessThanOrEqual(16_000);
    expect(parsed(result)).toMatchObject({ truncated: true });
  });

  it("submits, runs, calls (through the local runtime's RPC), reads the program and the recent runs", async () => {
    const code = `import { WorkerEntrypoint } from "cloudflare:workers";
export function add(a, b) { console.log("add", a, b); return a + b; }
export class Tally extends WorkerEntrypoint {
  async bump() { const n = ((await this.env.STORE.get("n")) ?? 0) + 1; await this.env.STORE.put("n", n); return n; }
}
export default { async fetch(req) { return new Response("got " + (await req.text())); } };
// ${crypto.randomUUID()}`;
    const submitted = parsed(await client.callTool({ name: "submit", arguments: { code } }));
    expect(submitted).toMatchObject({ mode: "module" });
    const hash = String(submitted.hash);

    const ran = parsed(await client.callTool({ name: "run", arguments: { hash, prompt: "p", body: "hello" } }));
    expect(ran).toMatchObject({ status: 200, outcome: "ok", body: "got hello" });

    const added = await client.callTool({ name: "call", arguments: { hash, export: "add", args: [20, 22] } });
    expect(added.isError).toBeFalsy();
    expect(parsed(added)).toMatchObject({
      result: 42,
      outcome: "ok",
      console: { logs: [expect.objectContaining({ message: "add 20 22" })] },
    });
    const tally = [];
    for (let i = 0; i < 2; i++) {
      tally.push(parsed(await client.callTool({ name: "call", arguments: { hash, export: "Tally.bump" } })).result);
    }
    expect(tally).toEqual([1, 2]);

    const program = parsed(await client.callTool({ name: "get_program", arguments: { hash } }));
    expect(program).toMatchObject({
      hash,
      code,
      exports: [
        { name: "add", kind: "function" },
        { name: "Tally.bump", kind: "method" },
      ],
    });

    const recent = parsed(await client.callTool({ name: "recent_runs", arguments: { limit: 50 } }));
    const runs = recent.entries as { id: string; prompt: string; hash: string }[];
    expect(runs.filter((entry) => entry.hash === hash).map((entry) => entry.prompt)).toEqual(
      expect.arrayContaining(["p", "add(20,22)", "Tally.bump()"]),
    );
  });

  it("refuses GET and DELETE on /mcp with 405: the server is stateless, with no stream to open", async () => {
    for (const method of ["GET", "DELETE"]) {
      const { status } = await server.call("/mcp", { method });
      expect(status, method).toBe(405);
    }
  });
});
