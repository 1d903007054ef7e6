import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SubmitAnswer } from "../../src/base/answers.ts";
import { hasChromium, launch } from "../support/node/chromium.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";

/** A page a program serves from our origin, trying to read the visitor's history with their cookie. */
const ATTACK = `export default { fetch() {
  const page = "<!doctype html><title>innocent</title><script>" +
    "fetch('/api/history', { credentials: 'include' }).then((r) => r.text()).then((t) => { document.title = 'LEAK:' + t; });" +
    "document.cookie = 'promptlog_visitor=planted; path=/';" +
    "</script><p>hello</p>";
  return new Response(page, { headers: { "content-type": "text/html", "content-security-policy": "script-src 'unsafe-inline'" } });
} }`;

describe.skipIf(!hasChromium)("a page served by a program, in Chromium", () => {
  const server = devLineForSuite();
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
  });

  it("cannot act as the visitor: its script never runs and never reaches /api/history", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.origin}/`);
    const before = (await context.cookies()).find((cookie) => cookie.name === "promptlog_visitor");
    expect(before?.httpOnly).toBe(true);

    const submitted = await page.request.post(`${server.origin}/submit`, { data: { code: ATTACK } });
    const { url } = (await submitted.json()) as SubmitAnswer;
    const historyRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/api/history")) historyRequests.push(request.url());
    });
    const response = await page.goto(`${server.origin}${url}`);
    expect(response?.headers()["content-security-policy"]).toBe("sandbox");
    expect(await page.locator("p").textContent()).toBe("hello");
    await page.waitForTimeout(500);
    expect(await page.title()).toBe("innocent");
    expect(historyRequests).toEqual([]);
    const after = (await context.cookies()).find((cookie) => cookie.name === "promptlog_visitor");
    expect(after?.value).toBe(before?.value);
    await context.close();
  });
});
