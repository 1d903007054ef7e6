import { describe, expect, it } from "vitest";
import type { SubmitAnswer } from "../../src/base/answers";
import { call, expectError, postJson, submit, unique } from "../support/workerd/api";

async function sha256Hex(text: string) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("POST /submit", () => {
  it("answers 201 with the full SHA-256 of mode and code, then 200 for the same program", async () => {
    const code = unique("const result = 1;");
    const first = await postJson("/submit", { code });
    expect(first.status).toBe(201);
    const body = (await first.json()) as SubmitAnswer;
    expect(body.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(body.hash).toBe(await sha256Hex(JSON.stringify({ code, mode: "snippet" })));
    expect(body).toEqual({
      hash: body.hash,
      url: `/run/${body.hash}`,
      mode: "snippet",
      network: false,
      loaded: true,
    });
    expect(first.headers.get("location")).toBe(body.url);

    const again = await postJson("/submit", { code });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(body);
  });

  it("detects modules by their default export, and snippets otherwise", async () => {
    expect((await submit(unique("export default { fetch() { return new Response('x') } }"))).mode).toBe("module");
    expect((await submit(unique("const x = 1; export { x as default };"))).mode).toBe("module");
    expect((await submit(unique("const result = 'export default is just text here';"))).mode).toBe("snippet");
    expect((await submit(unique("return prompt.length;"))).mode).toBe("snippet");
  });

  it("hashes the mode with the code: the same code as another mode is another program", async () => {
    const code = unique("export default { fetch() { return new Response('x') } }");
    const asModule = await submit(code, "module");
    const asSnippet = await submit(code, "snippet");
    expect(asModule.hash).not.toBe(asSnippet.hash);
    expect(asSnippet.mode).toBe("snippet");
  });

  it("answers 415 for a body that is not declared as JSON", async () => {
    const response = await call("/submit", { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
    await expectError(response, 415, "unsupported_media_type");
    await expectError(await call("/submit", { method: "POST", body: '{"code":"x"}' }), 415, "unsupported_media_type");
  });

  it("answers 400 for malformed JSON", async () => {
    const response = await call("/submit", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"code": ',
    });
    await expectError(response, 400, "invalid_json");
  });

  it("answers 400 listing every schema violation", async () => {
    const error = await expectError(
      await postJson("/submit", { code: 42, mode: "script", extra: true }),
      400,
      "invalid_request",
    );
    const issues = error.issues as { path: string[]; message: string }[];
    expect(issues.map((issue) => issue.path.join("."))).toEqual(expect.arrayContaining(["code", "mode", "extra"]));
    await expectError(await postJson("/submit", {}), 400, "invalid_request");
    await expectError(await postJson("/submit", []), 400, "invalid_request");
    await expectError(await postJson("/submit", { code: "" }), 400, "invalid_request");
  });

  it("answers 413 for code over 256 KiB, counted in UTF-8 bytes", async () => {
    await expectError(await postJson("/submit", { code: "x".repeat(256 * 1024 + 1) }), 413, "code_too_large");
    // 100,000 three-byte characters are under 256 Ki characters but over 256 KiB.
    await expectError(await postJson("/submit", { code: "€".repeat(100_000) }), 413, "code_too_large");
    const atLimit = await postJson("/submit", { code: unique("//").padEnd(256 * 1024, "x") });
    expect([200, 201]).toContain(atLimit.status);
  });

  it("answers 413 for a body too large to be any valid submit", async () => {
    const response = await call("/submit", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: "\\".repeat(300 * 1024) }),
    });
    await expectError(response, 413, "code_too_large");
  });

  it("answers 404 in JSON for unknown routes, and 405 with Allow for a method the route does not have", async () => {
    await expectError(await call("/nope"), 404, "route_not_found");
    const get = await call("/submit");
    await expectError(get, 405, "method_not_allowed");
    expect(get.headers.get("allow")).toBe("POST");
  });
});
