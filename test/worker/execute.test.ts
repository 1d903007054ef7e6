import { beforeAll, describe, expect, it } from "vitest";
import type { ExecuteAnswer, HistoryAnswer, SubmitAnswer } from "../../src/base/answers";
import { call, expectError, newVisitor, postJson, recordOf, unique } from "../support/workerd/api";

// The worker's first request starts it, which can take longer than a test on a busy machine.
beforeAll(() => call("/api/history"), 60_000);

async function execute(body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await postJson("/api/execute", body, headers);
  return { response, answer: (await response.clone().json()) as ExecuteAnswer & { error?: { code: string } } };
}

describe("POST /api/execute, hostile programs", () => {
  it("cuts a 10 MB snippet result at 64 KiB, marked truncated", async () => {
    const { response, answer } = await execute({ code: unique(`return "x".repeat(10 * 1024 * 1024);`) });
    expect(response.status).toBe(200);
    expect(answer.truncated).toBe(true);
    expect(answer.result).toBeUndefined();
    expect(new TextEncoder().encode(answer.body ?? "").byteLength).toBeLessThanOrEqual(64 * 1024);
    expect(answer.body?.startsWith('"xxxx')).toBe(true);
  });

  it("cuts an endless module body at 64 KiB, marked truncated", async () => {
    const { answer } = await execute({
      code: unique(`export default { fetch() {
        const chunk = new TextEncoder().encode("é".repeat(1000));
        return new Response(new ReadableStream({ pull(c) { c.enqueue(chunk); } }), { headers: { "content-type": "text/plain" } });
      } };`),
    });
    expect(answer).toMatchObject({ status: 200, outcome: "ok", truncated: true, contentType: "text/plain" });
    // Cut on a character boundary: no half of an "é".
    expect(answer.body).toMatch(/^é+$/);
  });

  it("answers a program that never answers with no_response, its status and code as for /run", async () => {
    const { response, answer } = await execute({
      code: unique("export default { fetch() { return new Promise(() => {}) } };"),
    });
    expect(response.status).toBe(502);
    expect(answer.error?.code).toBe("no_response");
    expect(answer.outcome).toBe("exception");
  });

  it("keeps a build error's status, code and location, as /submit answers it", async () => {
    const response = await postJson("/api/execute", { code: unique("const x: number = ;"), language: "ts" });
    const error = await expectError(response, 422, "compile_error");
    expect(error.location).toMatchObject({ line: 1 });
  });

  it("refuses unknown fields, a prompt over 16 KiB and an input over 1 MiB before storing anything", async () => {
    await expectError(await postJson("/api/execute", { code: "return 1", bogus: true }), 400, "invalid_request");
    await expectError(
      await postJson("/api/execute", { code: "return 1", prompt: "p".repeat(16 * 1024 + 1) }),
      413,
      "prompt_too_large",
    );
    await expectError(
      await postJson("/api/execute", { code: "return 1", input: "i".repeat(1024 * 1024 + 1) }),
      413,
      "body_too_large",
    );
  });
});

describe("POST /api/execute", () => {
  it("submits and runs a snippet in one call: the same hash as /submit, its value, console and history", async () => {
    const visitor = await newVisitor();
    const code = unique(`console.log("got", prompt); return { words: prompt.split(" ").length };`);
    const { response, answer } = await execute({ code, prompt: "one two three" }, { cookie: visitor });
    expect(response.status).toBe(200);
    expect(answer).toMatchObject({ mode: "snippet", status: 200, outcome: "ok", result: { words: 3 } });
    expect(answer.console?.logs.map((entry) => entry.message)).toEqual(["got one two three"]);
    expect(typeof answer.durationMs).toBe("number");
    expect(typeof answer.cold).toBe("boolean");
    const submitted = (await (await postJson("/submit", { code })).json()) as SubmitAnswer;
    expect(submitted.hash).toBe(answer.hash);
    // Recorded after the answer, as every run is.
    const record = await recordOf(visitor, answer.runId);
    expect(record).toMatchObject({ hash: answer.hash, prompt: "one two three", outcome: "ok" });
    const history = (await (await call("/api/history", { headers: { cookie: visitor } })).json()) as HistoryAnswer;
    expect(history.entries.map((entry) => entry.id)).toContain(answer.runId);
  });

  it("runs a module with the prompt and a JSON input as its POST body, answering its text", async () => {
    const { answer } = await execute({
      code: unique(`export default { async fetch(req) {
        const rows = await req.json();
        return new Response(new URL(req.url).searchParams.get("q") + ":" + rows.length, { status: 201, headers: { "content-type": "text/plain" } });
      } };`),
      prompt: "rows",
      input: [1, 2, 3],
    });
    expect(answer).toMatchObject({
      mode: "module",
      status: 201,
      outcome: "ok",
      body: "rows:3",
      contentType: "text/plain",
    });
    expect(answer.truncated).toBeUndefined();
  });

  it("answers a throw with its status, code, console and the user's own line and column", async () => {
    const visitor = await newVisitor();
    const { response, answer } = await execute(
      { code: unique(`console.warn("before");\nconst o = null;\nreturn o.field;`), prompt: "x" },
      { cookie: visitor },
    );
    expect(response.status).toBe(502);
    expect(answer.outcome).toBe("exception");
    expect(answer.error).toMatchObject({ code: "program_exception", location: { line: 3 } });
    expect(answer.console?.logs.map((entry) => entry.message)).toEqual(["before"]);
    const record = await recordOf(visitor, answer.runId);
    expect(record.outcome).toBe("exception");
  });

  it("names the file of a multi-file program's error", async () => {
    const { answer } = await execute({
      files: {
        "src/index.ts": `import { boom } from "./boom";\nexport default { fetch() { return new Response(boom()); } };\n`,
        "src/boom.ts": `// ${crypto.randomUUID()}\nexport function boom(): string {\n  throw new Error("no");\n}\n`,
      },
    });
    expect(answer.error).toMatchObject({ code: "program_exception", location: { file: "src/boom.ts", line: 3 } });
  });
});
