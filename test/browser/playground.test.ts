import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/dev-line/readme-lines.ts";
import { hasChromium, launch } from "../support/node/chromium.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";

const ARTIFACTS = `${ROOT}test-artifacts/screenshots`;

describe.skipIf(!hasChromium)("the playground in Chromium", () => {
  const server = devLineForSuite();
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function open(width = 1280, path = "/"): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error" && !/status of 404/.test(message.text())) errors.push(message.text());
    });
    await page.goto(`${server.origin}${path}`);
    await page.waitForLoadState("networkidle");
    // No script or style of ours may be refused by our own CSP, and the editor must be up.
    expect(errors).toEqual([]);
    await page.locator(".cm-content").waitFor();
    // bun dev runs programs in its sandbox runtime: the page must not claim it cannot.
    expect(await page.getByText("no Worker Loader").count()).toBe(0);
    return page;
  }

  /** Replaces the editor's text, as a paste would. */
  async function setCode(page: Page, code: string) {
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.locator(".cm-content").fill(code);
  }

  const code = (page: Page) => page.locator("#code").inputValue();

  it("runs a reference example with the keyboard and shows the response as text", async () => {
    const page = await open();
    await page.getByRole("button", { name: /Uppercase tool/ }).click();
    await expect.poll(() => page.locator("#mode").inputValue()).toBe("module");
    expect(await code(page)).toContain("prompt.toUpperCase()");
    await page.locator("#prompt").fill("<b>not bold</b>");
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator("#output").textContent()).toBe("<B>NOT BOLD</B>");
    expect(await page.locator("#output b").count()).toBe(0);
    expect(await page.locator("#status").textContent()).toBe("200");
    expect(await page.locator("#time").textContent()).toMatch(/^\d+ ms$/);
    await expect.poll(() => page.locator("#outcome").textContent()).toMatch(/^ran · (cold|warm)$/);
    expect(await page.locator("#program-url").textContent()).toMatch(/\/run\/[0-9a-f]{64}$/);
    await page.locator("#headers-details summary").click();
    expect(await page.locator("#headers dt").allTextContents()).toContain("content-security-policy");
    await page.getByRole("tab", { name: "curl" }).click();
    expect(await page.locator("#curl").textContent()).toMatch(
      /^curl -s 'http:\/\/localhost:\d+\/run\/[0-9a-f]{64}\?prompt=%3Cb%3E/,
    );
    await page.screenshot({ path: `${ARTIFACTS}/run-module.png`, fullPage: true });
  });

  it("edits in CodeMirror: Tab indents, brackets match, and the text is what gets run", async () => {
    const page = await open();
    await page.getByRole("button", { name: /Word reverser/ }).click();
    await setCode(page, "const doubled = prompt + prompt;");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    await page.keyboard.type("return doubled");
    expect(await code(page)).toBe("const doubled = prompt + prompt;\n  return doubled");
    expect(await page.locator(".cm-lineNumbers .cm-gutterElement").allTextContents()).toEqual(
      expect.arrayContaining(["1", "2"]),
    );
    await page.keyboard.type(";\nif (prompt) {");
    expect(await code(page)).toContain("if (prompt) {}");
    await setCode(page, "return prompt + prompt;");
    await page.locator("#prompt").fill("ab");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator("#output").textContent()).toBe('"abab"');
    expect(await page.locator(".cm-editor .tok-keyword, .cm-editor [class*='ͼ']").count()).toBeGreaterThan(0);
  });

  it("shows a program's error, and restores code and prompt from history", async () => {
    const page = await open();
    await page.getByRole("button", { name: /Word reverser/ }).click();
    await page.locator("#prompt").fill("one two three");
    await page.getByRole("button", { name: /^Run/ }).click();
    await expect
      .poll(async () => JSON.parse((await page.locator("#output").textContent()) ?? "{}").reversed)
      .toBe("three two one");

    await setCode(page, "throw new Error('broken on purpose');");
    await page.locator("#mode").selectOption("snippet");
    await page.locator("#prompt").fill("second");
    await page.getByRole("button", { name: /^Run/ }).click();
    await expect.poll(() => page.locator("#status").textContent()).toBe("502 error");
    expect(await page.locator("#output").textContent()).toContain("broken on purpose");
    expect(await page.locator("#explain").textContent()).toMatch(/threw an error/);

    await expect.poll(() => page.locator(".history-item").count()).toBe(2);
    expect(await page.locator(".history-item").first().textContent()).toMatch(/exception · \d/);
    await page.locator(".history-item", { hasText: "one two three" }).click();
    await expect.poll(() => page.locator("#prompt").inputValue()).toBe("one two three");
    await expect.poll(() => code(page)).toContain("words.reverse()");
    await page.screenshot({ path: `${ARTIFACTS}/history.png`, fullPage: true });

    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Clear" }).click();
    await expect.poll(() => page.locator(".history-item").count()).toBe(0);
  });

  it("shows the run's console and outcome, marks the error's line, and explains limits in words", async () => {
    const page = await open();
    await page.locator("#mode").selectOption("snippet");
    await setCode(
      page,
      "console.log('checking', { prompt });\nconsole.warn('careful');\nthrow new RangeError('bad prompt');",
    );
    await page.locator("#prompt").fill("p1");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator("#status").textContent()).toBe("502 error");
    await expect.poll(() => page.locator("#outcome").textContent()).toMatch(/^threw · (cold|warm)$/);
    await expect.poll(() => page.locator("#error-at").textContent()).toBe("Line 3, column 7: RangeError: bad prompt");
    expect(await page.locator(".cm-line.cm-error-line").textContent()).toBe("throw new RangeError('bad prompt');");

    await page.getByRole("tab", { name: /Console/ }).click();
    await expect.poll(() => page.locator("#console .console-row").count()).toBe(2);
    expect(await page.locator("#console .console-level").allTextContents()).toEqual(["log", "warn"]);
    expect(await page.locator("#console .console-message").allTextContents()).toEqual([
      'checking {"prompt":"p1"}',
      "careful",
    ]);
    expect(await page.locator("#console-count").textContent()).toBe("2");
    await page.screenshot({ path: `${ARTIFACTS}/console-and-error.png`, fullPage: true });

    await page.locator("#error-at").click();
    await page.keyboard.type("/*here*/");
    expect((await code(page)).split("\n")[2]).toBe("throw /*here*/new RangeError('bad prompt');");
    expect(await page.locator(".cm-error-line").count()).toBe(0);

    await setCode(page, "while (true) {}");
    await page.getByRole("button", { name: /^Run/ }).click();
    await expect.poll(() => page.locator("#status").textContent(), { timeout: 15_000 }).toBe("503 error");
    expect(await page.locator("#explain").textContent()).toMatch(/more CPU time than a run may/);
  });

  it("loads every gallery example with one click; a POST transform and an HTML page previewed from the run origin", async () => {
    const page = await open();
    expect(await page.locator("[data-example]").count()).toBeGreaterThanOrEqual(6);
    await page.getByRole("button", { name: /JSON to CSV/ }).click();
    expect(await page.locator("#body-details").getAttribute("open")).not.toBeNull();
    await page.getByRole("button", { name: /^Run/ }).click();
    await expect
      .poll(() => page.locator("#output").textContent())
      .toBe("name,language,year\nAda,Analytical Engine,1843\nGrace,COBOL,1959");
    await page.getByRole("tab", { name: "curl" }).click();
    expect(await page.locator("#curl").textContent()).toMatch(/--data-binary '\[/);
    await page.getByRole("tab", { name: "Response" }).click();

    await page.getByRole("button", { name: /HTML page/ }).click();
    await page.getByRole("button", { name: /^Run/ }).click();
    const preview = page.locator("#preview");
    await expect.poll(() => preview.isVisible()).toBe(true);
    // Its own scripts may run there, but it may not navigate the playground away.
    expect(await preview.getAttribute("sandbox")).toContain("allow-scripts");
    expect(await preview.getAttribute("sandbox")).not.toContain("allow-top-navigation");
    const frame = page.frameLocator("#preview");
    // The frame loads the page with a run of its own, on the run origin.
    await expect.poll(() => frame.locator("h1").textContent(), { timeout: 10_000 }).toBe("Hello, Promptlog!");
    // The run origin: another site than the playground's, holding nothing of the visitor's.
    const frameOrigin = await page.frames()[1]?.evaluate("self.origin");
    expect(frameOrigin).toBe(server.runOrigin);
    await page.screenshot({ path: `${ARTIFACTS}/html-preview.png`, fullPage: true });

    for (const example of ["Password generator", "Text statistics", "Visit counter"]) {
      await page.getByRole("button", { name: new RegExp(example) }).click();
      await page.getByRole("button", { name: /^Run/ }).click();
      await expect.poll(() => page.locator("#status").textContent()).toBe("200");
    }
  });

  it("opens a share link with the program in the editor, and says so when there is none", async () => {
    const page = await open();
    await page.getByRole("button", { name: /Text statistics/ }).click();
    await page.getByRole("button", { name: /^Run/ }).click();
    await expect.poll(() => page.locator("#status").textContent()).toBe("200");
    const share = await page.locator("#share-url").getAttribute("href");
    expect(share).toMatch(/^\/s\/[0-9a-f]{64}$/);

    const shared = await open(1280, share ?? "/");
    expect(await code(shared)).toContain("counts.set(word");
    expect(await shared.locator("#mode").inputValue()).toBe("snippet");
    expect(await shared.locator(".shared-from").textContent()).toMatch(/Shared program/);

    const missing = await browser.newPage();
    const response = await missing.goto(`${server.origin}/s/${"0".repeat(64)}`);
    expect(response?.status()).toBe(404);
    expect(await missing.getByRole("alert").textContent()).toMatch(/No program is stored/);
  });

  it("works from the keyboard alone: skip link, examples, editor, run", async () => {
    const page = await open();
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.className")).toBe("skip-link");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.classList.contains('cm-content')")).toBe(true);
    await page.keyboard.press("Control+A");
    await page.keyboard.type("return 40 + 2;");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator("#output").textContent()).toBe("42");
    // Esc, then Tab (within CodeMirror's 2 s), leaves the editor for the next control. On a machine
    // saturated by the other tests the two key presses can land further apart, so it gets three tries.
    let left = false;
    for (let attempt = 0; attempt < 3 && !left; attempt++) {
      await page.keyboard.press("Escape");
      await page.keyboard.press("Tab");
      left = !(await page.evaluate("document.activeElement.classList.contains('cm-content')"));
    }
    expect(left).toBe(true);
  });

  it("fits a 375 px wide screen without horizontal scrolling", async () => {
    const page = await open(375);
    const overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/narrow-375.png`, fullPage: true });
  });

  it("follows the system's dark mode", async () => {
    const page = await browser.newPage({ colorScheme: "dark" });
    await page.goto(`${server.origin}/`);
    const background = await page.evaluate("getComputedStyle(document.body).backgroundColor");
    expect(background).toBe("rgb(17, 18, 22)");
    await page.screenshot({ path: `${ARTIFACTS}/dark.png`, fullPage: true });
  });

  it("shows a TypeScript program's files as tabs, runs them, and points syntax and runtime errors at their file", async () => {
    const page = await open();
    const chosenMode = await page.locator("#mode").inputValue();
    await page.locator("#language").selectOption("ts");
    await expect.poll(() => page.locator("#file-tabs").textContent()).toBe("index.ts");
    await setCode(
      page,
      'import { shout } from "./util";\nexport default { fetch(req: Request): Response { return new Response(shout(new URL(req.url).searchParams.get("q") ?? "")) } };',
    );
    page.once("dialog", (dialog) => void dialog.accept("util.ts"));
    await page.locator("#add-file").click();
    await expect.poll(() => page.locator("#file-tabs .file-open").allTextContents()).toEqual(["index.ts", "util.ts"]);
    // Several files make a module: the mode picker says so and takes no other choice.
    expect(await page.locator("#mode").isDisabled()).toBe(true);
    expect(await page.locator("#mode").inputValue()).toBe("module");
    await setCode(page, "export const shout = (text: string): string => text.toUpperCase() + '!';");
    await page.locator("#prompt").fill("tabs");
    await page.locator("#run").click();
    await expect.poll(() => page.locator("#output").textContent()).toBe("TABS!");
    await page.screenshot({ path: `${ARTIFACTS}/files.png`, fullPage: true });

    // A syntax error in the second file: its tab opens and the line is named.
    await page.locator("#file-tabs .file-open", { hasText: "index.ts" }).click();
    expect(await code(page)).toContain('from "./util"');
    await page.locator("#file-tabs .file-open", { hasText: "util.ts" }).click();
    await setCode(page, "export const ok = 1;\nexport const shout = (;");
    await page.locator("#file-tabs .file-open", { hasText: "index.ts" }).click();
    await page.locator("#run").click();
    await expect.poll(() => page.locator("#error-at").textContent()).toMatch(/^Line 2, column \d+/);
    expect(await page.locator('#file-tabs .file-open[aria-current="true"]').textContent()).toBe("util.ts");

    // A runtime error there, after bundling and stripping types: the same file, its own column.
    await setCode(
      page,
      "export const ok = 1;\nexport const shout = (text: string): string => (text as any).missing.toUpperCase();",
    );
    await page.locator("#file-tabs .file-open", { hasText: "index.ts" }).click();
    await page.locator("#run").click();
    await expect.poll(() => page.locator("#error-at").textContent()).toMatch(/^Line 2, column 70: TypeError/);
    expect(await page.locator('#file-tabs .file-open[aria-current="true"]').textContent()).toBe("util.ts");

    // Back to one file: the mode picker is the visitor's again.
    await page.locator('#file-tabs [aria-label="Remove util.ts"]').click();
    expect(await page.locator("#mode").isDisabled()).toBe(false);
    expect(await page.locator("#mode").inputValue()).toBe(chosenMode);
  });
});
