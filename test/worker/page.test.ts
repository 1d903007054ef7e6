import { describe, expect, it } from "vitest";
import { ASSETS } from "../../src/ui/assets";
import { call, newVisitor, submit, unique } from "../support/workerd/api";

describe("GET /", () => {
  it("serves the playground page with both reference examples and a strict CSP", async () => {
    const response = await call("/");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).not.toMatch(/unsafe-inline/);
    const html = await response.text();
    expect(html.startsWith("<!doctype html>")).toBe(true);
    for (const id of [
      'id="code"',
      'id="prompt"',
      'id="run"',
      'id="output"',
      'id="history-list"',
      'data-example="word-reverser"',
      'data-example="uppercase"',
    ]) {
      expect(html).toContain(id);
    }
    // The build's content-hashed names, as its manifest gives them.
    expect(html).toContain(`src="${ASSETS.script}"`);
    expect(html).toContain(`href="${ASSETS.style}"`);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it("lists the visitor's recent prompts, escaped as text", async () => {
    const visitor = await newVisitor();
    const program = await submit(unique("return prompt;"));
    const prompt = "<img src=x onerror=alert(1)>";
    await call(`${program.url}?prompt=${encodeURIComponent(prompt)}`, { headers: { cookie: visitor } });
    let html = "";
    // Recording happens after the response (waitUntil), so wait until it lands.
    for (let attempt = 0; attempt < 100 && !html.includes(`data-hash="${program.hash}"`); attempt++) {
      html = await (await call("/", { headers: { cookie: visitor } })).text();
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain(prompt);
    expect(html).toContain(`data-hash="${program.hash}"`);
  });
});
