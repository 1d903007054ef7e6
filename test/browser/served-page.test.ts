import { describe, expect, it } from "vitest";
import type { SubmitAnswer } from "../../src/base/answers.ts";
import { browserForSuite, hasChromium } from "../support/node/chromium.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";

/** A page a program serves from our origin, trying to read the visitor's history with their cookie. */
const ATTACK = `export default { fetch() {
  const page = "<!doctype html><title>innocent</title><script>" +
    "fetch('/api/history', { credentials: 'include' }).then((r) => r.text()).then((t) => { document.title = 'LEAK:' + t; });" +
    "document.cookie = 'promptlog_visitor=planted; path=/';" +
    "</script><p>hello</p>";
  return new Response(page, { headers: {
    "content-type": "text/html",
    "content-security-policy": "script-src 'unsafe-inline'",
    "clear-site-data": '"cookies", "storage"',
    "set-cookie": "promptlog_visitor=00000000-0000-4000-8000-000000000000; Path=/",
  } });
} }`;

/**
 * The same kind of page on the run origin: its own script and style work there, and it tries every
 * way at the playground: its cookie, its storage, its history, a submit.
 */
function runOriginAttack(playground: string): string {
  const script = `
    const results = { cookie: document.cookie, storage: localStorage.getItem("draft") };
    localStorage.setItem("draft", "planted");
    document.cookie = "promptlog_visitor=planted; path=/";
    try {
      const history = await fetch(${JSON.stringify(`${playground}/api/history`)}, { credentials: "include" });
      results.history = await history.text();
    } catch (error) { results.history = "blocked"; }
    try {
      await fetch(${JSON.stringify(`${playground}/submit`)}, { method: "POST", mode: "no-cors", credentials: "include",
        headers: { "content-type": "text/plain" }, body: JSON.stringify({ code: "return 'planted by a page'" }) });
    } catch {}
    document.title = "ran:" + JSON.stringify(results);`;
  const page = `<!doctype html><title>run origin</title><style>p { color: rgb(255, 0, 0) }</style><p>styled</p><script type="module">${script}</script>`;
  return `export default { fetch() { return new Response(${JSON.stringify(page)}, { headers: { "content-type": "text/html" } }) } }`;
}

describe.skipIf(!hasChromium)("a page served by a program, in Chromium", () => {
  const server = devLineForSuite();
  const chromium = browserForSuite();

  it("cannot act as the visitor: its script never runs and never reaches /api/history", async () => {
    const context = await chromium.browser.newContext();
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

  it("on the run origin runs with its own script and style, and reaches nothing of the playground's", async () => {
    const context = await chromium.browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.origin}/`);
    await page.evaluate('localStorage.setItem("draft", "mine")');
    const cookieBefore = (await context.cookies(server.origin)).find((cookie) => cookie.name === "promptlog_visitor");
    const historyBefore = await (await page.request.get(`${server.origin}/api/history`)).text();

    const submitted = await page.request.post(`${server.origin}/submit`, {
      data: { code: runOriginAttack(server.origin) },
    });
    const { url } = (await submitted.json()) as SubmitAnswer;
    const submits: number[] = [];
    page.on("response", (response) => {
      if (response.url() === `${server.origin}/submit`) submits.push(response.status());
    });
    await page.goto(`${server.runOrigin}${url}`);
    await page.waitForFunction('document.title.startsWith("ran:")');
    const results = JSON.parse((await page.title()).slice(4)) as Record<string, string | null>;
    expect(results).toEqual({ cookie: "", storage: null, history: "blocked" });
    expect(await page.evaluate('getComputedStyle(document.querySelector("p")).color')).toBe("rgb(255, 0, 0)");
    await page.waitForTimeout(300);
    expect(submits).toEqual([403]);

    await page.goto(`${server.origin}/`);
    expect(await page.evaluate('localStorage.getItem("draft")')).toBe("mine");
    const cookieAfter = (await context.cookies(server.origin)).find((cookie) => cookie.name === "promptlog_visitor");
    expect(cookieAfter?.value).toBe(cookieBefore?.value);
    expect(await (await page.request.get(`${server.origin}/api/history`)).text()).toBe(historyBefore);
    await context.close();
  });
});
