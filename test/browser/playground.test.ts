import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { browserForSuite, hasChromium } from "../support/node/chromium.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";
import {
  ARTIFACTS,
  code,
  openPlayground,
  PHONE,
  pageErrors,
  pickExample,
  run,
  setCode,
  statusAfterRun,
  WIDE,
} from "./playground-page.ts";

describe.skipIf(!hasChromium)("the playground in Chromium", () => {
  const server = devLineForSuite();
  const chromium = browserForSuite();

  beforeAll(() => {
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  const open = (options: Parameters<typeof openPlayground>[2] = {}) =>
    openPlayground(chromium.browser, server.origin, options);
  const box = async (page: Page, selector: string) => {
    const found = await page.locator(selector).boundingBox();
    if (!found) throw new Error(`${selector} is not shown`);
    return found;
  };

  it("lays out a playground: toolbar with Run, code and output side by side at full height, examples in a menu", async () => {
    const page = await open();
    const toolbar = await box(page, "header.toolbar");
    const run = await box(page, "#run");
    const codePane = await box(page, "#pane-code");
    const outputPane = await box(page, "#pane-output");
    const editor = await box(page, ".cm-editor");
    // Run is in the toolbar, at the top of the screen.
    expect(run.y + run.height).toBeLessThanOrEqual(toolbar.y + toolbar.height);
    expect(run.y).toBeLessThan(80);
    // Side by side, and down to the bottom of the window: no empty space under them.
    expect(outputPane.x).toBeGreaterThanOrEqual(codePane.x + codePane.width);
    expect(Math.abs(outputPane.y - codePane.y)).toBeLessThan(2);
    expect(codePane.y + codePane.height).toBeGreaterThan(WIDE.height - 2);
    expect(outputPane.y + outputPane.height).toBeGreaterThan(WIDE.height - 2);
    expect(editor.height).toBeGreaterThan(300);
    expect(await page.evaluate("document.documentElement.scrollHeight")).toBeLessThanOrEqual(WIDE.height);

    // The examples are a menu, closed until asked; the keyboard opens and walks it.
    expect(await page.locator("#examples-menu").isHidden()).toBe(true);
    await page.locator("#examples-button").focus();
    await page.keyboard.press("ArrowDown");
    expect(await page.locator("#examples-menu").isVisible()).toBe(true);
    expect(await page.getByRole("menuitem").count()).toBeGreaterThanOrEqual(6);
    await page.keyboard.press("ArrowDown");
    expect(await page.evaluate("document.activeElement.dataset.example")).toBe("uppercase");
    await page.keyboard.press("Escape");
    expect(await page.locator("#examples-menu").isHidden()).toBe(true);
    expect(await page.evaluate("document.activeElement.id")).toBe("examples-button");
    await page.screenshot({ path: `${ARTIFACTS}/layout-1280.png` });
  });

  it("resizes the panes by drag and by keyboard, and remembers the split", async () => {
    const page = await open();
    const handle = await box(page, "#splitter");
    await page.mouse.move(handle.x + handle.width / 2, 400);
    await page.mouse.down();
    await page.mouse.move(WIDE.width * 0.7, 400, { steps: 5 });
    await page.mouse.up();
    const wide = (await box(page, "#pane-code")).width;
    expect(wide).toBeGreaterThan(WIDE.width * 0.6);
    await page.locator("#splitter").focus();
    await page.keyboard.press("Home");
    expect(await page.locator("#splitter").getAttribute("aria-valuenow")).toBe("20");
    await page.keyboard.press("ArrowRight");
    expect(await page.locator("#splitter").getAttribute("aria-valuenow")).toBe("22");
    const narrow = (await box(page, "#pane-code")).width;
    expect(narrow).toBeLessThan(wide);
    await page.reload();
    await page.locator(".cm-content").waitFor();
    expect(await page.locator("#splitter").getAttribute("aria-valuenow")).toBe("22");
    expect(Math.abs((await box(page, "#pane-code")).width - narrow)).toBeLessThan(2);
  });

  it("on a phone shows Code and Output as tabs, with Run always on screen", async () => {
    const page = await open({ viewport: PHONE });
    expect(await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")).toBeLessThanOrEqual(0);
    expect(await page.getByRole("tab", { name: "Code" }).getAttribute("aria-selected")).toBe("true");
    expect(await page.locator("#pane-output").isVisible()).toBe(false);
    const runBox = await box(page, "#run");
    expect(runBox.y + runBox.height).toBeLessThan(PHONE.height / 4);
    await page.getByRole("tab", { name: "Output" }).click();
    expect(await page.locator("#pane-output").isVisible()).toBe(true);
    expect(await page.locator("#pane-code").isVisible()).toBe(false);
    await page.getByRole("tab", { name: "Code" }).click();
    await page.locator("#prompt").fill("tiny");
    await run(page);
    await expect.poll(() => page.locator("#pane-output").isVisible()).toBe(true);
    expect(await statusAfterRun(page)).toBe("200");
    await page.screenshot({ path: `${ARTIFACTS}/phone-output.png` });
  });

  it("keeps the draft, every file, the prompt and the body, across a reload", async () => {
    const page = await open();
    await setCode(page, "export default { fetch: () => new Response('main') };");
    await page.locator("#add-file").click();
    await expect.poll(() => page.locator("#dialog").isVisible()).toBe(true);
    await page.locator("#dialog-input").fill("helper.js");
    await page.locator("#dialog-ok").click();
    await setCode(page, "export const helper = 42;");
    await page.locator("#prompt").fill("draft prompt");
    await page.locator("#body-details summary").click();
    await page.locator("#body").fill('{"kept": true}');
    await page.reload();
    await page.locator(".cm-content").waitFor();
    expect(await page.locator("#file-tabs .file-open").allTextContents()).toEqual(["index.js", "helper.js"]);
    expect(await code(page)).toBe("export default { fetch: () => new Response('main') };");
    await page.locator("#file-tabs .file-open", { hasText: "helper.js" }).click();
    expect(await code(page)).toBe("export const helper = 42;");
    expect(await page.locator("#prompt").inputValue()).toBe("draft prompt");
    expect(await page.locator("#body").inputValue()).toBe('{"kept": true}');
    expect(pageErrors(page)).toEqual([]);
  });

  it("marks the output stale when the code or prompt changes, and a build error leaves no link to the last program", async () => {
    const page = await open();
    await setCode(page, "return prompt + '!';");
    await page.locator("#prompt").fill("one");
    await run(page);
    expect(await statusAfterRun(page)).toBe("200");
    expect(await page.locator("#stale").isHidden()).toBe(true);
    const firstLink = await page.locator("#program-url").getAttribute("href");
    expect(firstLink).toMatch(/^\/run\/[0-9a-f]{64}$/);

    await page.locator("#prompt").fill("two");
    await expect.poll(() => page.locator("#stale").isVisible()).toBe(true);
    // Back to what ran: the output is that of the inputs on screen again.
    await page.locator("#prompt").fill("one");
    await expect.poll(() => page.locator("#stale").isHidden()).toBe(true);
    await page.locator(".cm-content").click();
    await page.keyboard.press("End");
    await page.keyboard.type(" ");
    await expect.poll(() => page.locator("#stale").isVisible()).toBe(true);

    // A syntax error JavaScript stores but cannot load: the links are the new program's, never the old one's.
    await setCode(page, "return (;");
    await run(page);
    expect(await statusAfterRun(page)).toBe("422 error");
    expect(await page.locator("#program-url").getAttribute("href")).not.toBe(firstLink);
    expect(await page.locator("#share-url").getAttribute("href")).not.toContain(firstLink?.slice(5) ?? "none");
    expect(await page.locator("#stale").isHidden()).toBe(true);

    // A TypeScript error refused at submit: there is no program, so no Run URL, Share link or curl line.
    await page.locator("#language").selectOption("ts");
    await setCode(page, "const n: number = (;");
    await run(page);
    expect(await statusAfterRun(page)).toBe("422 error");
    expect(await page.locator("#program-link").isHidden()).toBe(true);
    expect(await page.locator("#share-url").getAttribute("href")).toBe("/");
    expect(await page.locator("#curl").textContent()).not.toContain("/run/");
    expect(await page.locator("#stale").isHidden()).toBe(true);
  });

  it("formats errors in the user's terms: one location, a link that moves the editor, no internal frames", async () => {
    const page = await open();
    await setCode(page, "const f = () => {\n  null.boom;\n};\nconsole.log('before');\nf();");
    await run(page);
    expect(await statusAfterRun(page)).toBe("502 error");
    const view = page.locator("#error-view");
    expect(await view.locator(".error-title").textContent()).toMatch(/^TypeError: Cannot read properties of null/);
    expect(await view.locator(".error-where").textContent()).toBe("At index.js:2:8");
    // No position repeated in the message, no frame of ours, no raw JSON until asked.
    expect(await view.textContent()).not.toMatch(/program\.js|runner|node_modules|index\.js:2:8.*index\.js:2:8/);
    expect(await page.locator("#output").isHidden()).toBe(true);
    const caption = (await page.locator("#error-at").textContent()) ?? "";
    expect(caption).toMatch(/^Line 2, column 8: TypeError/);
    expect(caption).not.toMatch(/\w+\.js:\d+:\d+/);
    await page.locator("#raw-toggle").click();
    expect(await page.locator("#output").textContent()).toContain('"program_exception"');
    expect(await page.locator("#output").textContent()).not.toContain('"stack"');

    await view.getByRole("button", { name: /Go to index\.js:2:8/ }).click();
    expect(await page.evaluate("document.activeElement.classList.contains('cm-content')")).toBe(true);
    await page.keyboard.type("/*here*/");
    expect((await code(page)).split("\n")[1]).toBe("  null./*here*/boom;");

    // A syntax error: the caption says the place once.
    await setCode(page, "const x = ;");
    await run(page);
    expect(await statusAfterRun(page)).toBe("422 error");
    const syntax = (await page.locator("#error-at").textContent()) ?? "";
    expect(syntax).toMatch(/^Line 1, column \d+: /);
    expect(syntax).not.toMatch(/snippet:|program\.js:|index\.js:\d/);
    expect(await page.locator("#error-view .error-explain").textContent()).toMatch(/marked line/);

    // An error without a place promises no marked line.
    await setCode(page, "while (true) {}");
    await run(page);
    await expect.poll(() => page.locator("#status").textContent(), { timeout: 20_000 }).toBe("503 error");
    expect(await page.locator("#error-view").textContent()).not.toMatch(/marked line/);
    expect(await page.locator(".cm-error-line").count()).toBe(0);
    await page.screenshot({ path: `${ARTIFACTS}/error.png` });
  });

  it("shows an elapsed timer and a Stop button while running, and Stop aborts the request", async () => {
    const page = await open();
    await setCode(page, "const end = Date.now() + 60_000; while (Date.now() < end) {}");
    await run(page);
    await expect.poll(() => page.locator("#stop").isVisible()).toBe(true);
    await expect.poll(() => page.locator("#elapsed").textContent()).toMatch(/^\d+\.\d s$/);
    expect(await page.locator("#run").isDisabled()).toBe(true);
    await page.locator("#stop").click();
    await expect.poll(() => page.locator("#status").textContent()).toBe("Stopped");
    expect(await page.locator("#stop").isHidden()).toBe(true);
    expect(await page.locator("#run").isEnabled()).toBe(true);
    expect(await page.locator("#elapsed").textContent()).toBe("");
    expect(await page.locator("#output").textContent()).toMatch(/^Stopped after \d+\.\d s/);
  });

  it("shows the console with levels, timestamps, expandable objects and a filter", async () => {
    const page = await open();
    await setCode(
      page,
      "console.log('user', { id: 7, tags: ['a', 'b'], nested: { deep: true } });\nconsole.warn('careful');\nconsole.error('bad');\nreturn 1;",
    );
    await run(page);
    expect(await statusAfterRun(page)).toBe("200");
    await page.getByRole("tab", { name: /Console/ }).click();
    await expect.poll(() => page.locator("#console .console-row").count()).toBe(3);
    expect(await page.locator("#console .console-level").allTextContents()).toEqual(["log", "warn", "error"]);
    for (const time of await page.locator("#console .console-time").allTextContents()) {
      expect(time).toMatch(/^\d{2}:\d{2}:\d{2}\.\d{3}$/);
    }
    const object = page.locator("#console .console-row").first().locator("details.json").first();
    expect(await object.locator("summary").first().textContent()).toContain('"id":7');
    expect(await object.locator("dt").first().textContent()).toBe("id");
    const nested = object.locator("details.json", { hasText: "deep" }).first();
    expect(await nested.getAttribute("open")).toBeNull();
    await nested.locator("summary").click();
    expect(await nested.getAttribute("open")).not.toBeNull();

    await page.locator("#console-level").selectOption("warn");
    expect(await page.locator("#console .console-row:visible").count()).toBe(1);
    await page.locator("#console-level").selectOption("");
    await page.locator("#console-filter").fill("bad");
    expect(await page.locator("#console .console-row:visible .console-message").allTextContents()).toEqual(["bad"]);
    await page.locator("#console-filter").fill("nothing like it");
    expect(await page.locator("#console .console-none").isVisible()).toBe(true);
  });

  it("restores a history entry with its own program, prompt and output", async () => {
    const page = await open();
    await setCode(page, "return prompt.toUpperCase();");
    await page.locator("#prompt").fill("first run");
    await run(page);
    expect(await statusAfterRun(page)).toBe("200");
    await setCode(page, "return prompt.length;");
    await page.locator("#prompt").fill("second");
    await run(page);
    await expect.poll(() => page.locator("#output").textContent()).toBe("6");

    await page.getByRole("tab", { name: "Recent runs" }).click();
    await expect.poll(() => page.locator(".history-item").count()).toBe(2);
    await page.locator(".history-item", { hasText: "first run" }).click();
    await expect.poll(() => page.locator("#prompt").inputValue()).toBe("first run");
    expect(await code(page)).toBe("return prompt.toUpperCase();");
    await expect.poll(() => page.locator("#output").textContent()).toBe('"FIRST RUN"');
    expect(await page.locator("#stale").isHidden()).toBe(true);
    expect(await page.locator("#program-url").getAttribute("href")).toMatch(/^\/run\/[0-9a-f]{64}$/);

    // Clearing asks in the page, not with the browser's confirm().
    await page.getByRole("tab", { name: "Recent runs" }).click();
    await page.getByRole("button", { name: "Clear" }).click();
    await expect.poll(() => page.locator("#dialog").isVisible()).toBe(true);
    await page.locator("#dialog-cancel").click();
    expect(await page.locator(".history-item").count()).toBe(2);
    await page.getByRole("button", { name: "Clear" }).click();
    await page.locator("#dialog-ok").click();
    await expect.poll(() => page.locator(".history-item").count()).toBe(0);
    expect(pageErrors(page)).toEqual([]);
  });

  it("shares a link with the prompt and the body, and the shared page has Run ready", async () => {
    const page = await open();
    await pickExample(page, /JSON to CSV/);
    expect(await page.locator("#mode").inputValue()).toBe("");
    expect(await page.locator("#body-details").getAttribute("open")).not.toBeNull();
    await page.locator("#prompt").fill("csv please");
    await run(page);
    expect(await statusAfterRun(page)).toBe("200");
    const share = (await page.locator("#share-url").getAttribute("href")) ?? "";
    expect(share).toMatch(/^\/s\/[0-9a-f]{64}\?prompt=csv\+please&body=/);

    const shared = await open({ path: share });
    expect(await code(shared)).toContain("req.json()");
    expect(await shared.locator("#prompt").inputValue()).toBe("csv please");
    expect(await shared.locator("#body").inputValue()).toContain('"Ada"');
    expect(await shared.locator("#ready").isVisible()).toBe(true);
    expect(await shared.locator("#ready-text").textContent()).toMatch(/csv please/);
    await shared.locator("#ready-run").click();
    expect(await statusAfterRun(shared)).toBe("200");
    expect(await shared.locator("#output").textContent()).toBe(
      "name,language,year\nAda,Analytical Engine,1843\nGrace,COBOL,1959",
    );

    const missing = await chromium.browser.newPage();
    const response = await missing.goto(`${server.origin}/s/${"0".repeat(64)}`);
    expect(response?.status()).toBe(404);
    expect(await missing.getByRole("alert").textContent()).toMatch(/No program is stored/);
  });

  it("previews an HTML answer from the run origin with its own styles, and runs every example", async () => {
    const page = await open();
    await pickExample(page, /HTML page/);
    await run(page);
    const preview = page.locator("#preview");
    await expect.poll(() => preview.isVisible()).toBe(true);
    expect(await preview.getAttribute("sandbox")).toContain("allow-scripts");
    expect(await preview.getAttribute("sandbox")).not.toContain("allow-top-navigation");
    const frame = page.frameLocator("#preview");
    await expect.poll(() => frame.locator("h1").textContent(), { timeout: 10_000 }).toBe("Hello, Promptlog!");
    expect(await page.frames()[1]?.evaluate("self.origin")).toBe(server.runOrigin);
    expect(await page.frames()[1]?.evaluate("getComputedStyle(document.body).backgroundColor")).toBe(
      "rgb(255, 247, 237)",
    );

    for (const example of [
      /Word reverser/,
      /Uppercase tool/,
      /Password generator/,
      /Text statistics/,
      /Visit counter/,
    ]) {
      await pickExample(page, example);
      await run(page);
      expect(await statusAfterRun(page)).toBe("200");
    }
  });

  it("adds files in an in-page dialog, runs TypeScript files, and points errors at their file", async () => {
    const page = await open();
    await page.locator("#language").selectOption("ts");
    await setCode(
      page,
      'import { shout } from "./util";\nexport default { fetch(req: Request): Response { return new Response(shout(new URL(req.url).searchParams.get("q") ?? "")) } };',
    );
    await page.locator("#add-file").click();
    // A bad name is refused in the dialog, which stays open and says why.
    await page.locator("#dialog-input").fill("index.ts");
    await page.locator("#dialog-ok").click();
    expect(await page.locator("#dialog-error").textContent()).toBe("index.ts is already a file.");
    await page.locator("#dialog-input").fill("util.ts");
    await page.locator("#dialog-ok").click();
    await expect.poll(() => page.locator("#file-tabs .file-open").allTextContents()).toEqual(["index.ts", "util.ts"]);
    expect(await page.locator("#mode").isDisabled()).toBe(true);
    // Closed and opened again before the first close's event comes (a fast Escape, then Enter):
    // that late event belongs to the first asking and must not end the second.
    await page.evaluate(
      'document.getElementById("add-file").click(); document.getElementById("dialog").close(); document.getElementById("add-file").click();',
    );
    await page.locator("#dialog-input").fill("notes.ts");
    await page.locator("#dialog-ok").click();
    await expect
      .poll(() => page.locator("#file-tabs .file-open").allTextContents())
      .toEqual(["index.ts", "util.ts", "notes.ts"]);
    await page.locator("#file-tabs .file-open", { hasText: "util.ts" }).click();
    await setCode(page, "export const shout = (text: string): string => (text as any).missing.toUpperCase();");
    await page.locator("#file-tabs .file-open", { hasText: "index.ts" }).click();
    await page.locator("#prompt").fill("tabs");
    await run(page);
    expect(await statusAfterRun(page)).toBe("502 error");
    expect(await page.locator("#error-view .error-where").textContent()).toBe("At util.ts:1:70");
    expect(await page.locator('#file-tabs .file-open[aria-current="true"]').textContent()).toBe("util.ts");
    await page.locator("#file-tabs .file-open", { hasText: "index.ts" }).click();
    await page.locator("#error-view .error-where .place").click();
    expect(await page.locator('#file-tabs .file-open[aria-current="true"]').textContent()).toBe("util.ts");

    await setCode(page, "export const shout = (text: string): string => text.toUpperCase() + '!';");
    await run(page);
    await expect.poll(() => page.locator("#output").textContent()).toBe("TABS!");
    expect(pageErrors(page)).toEqual([]);
  });

  it("colours the page chrome for dark mode", async () => {
    const page = await open({ colorScheme: "dark" });
    expect(await page.evaluate("getComputedStyle(document.body).backgroundColor")).toBe("rgb(17, 18, 22)");
    expect(await page.evaluate("getComputedStyle(document.querySelector('.toolbar')).backgroundColor")).toBe(
      "rgb(26, 27, 33)",
    );
    expect(await page.evaluate("getComputedStyle(document.querySelector('#run')).color")).toBe("rgb(27, 16, 0)");
    await page.screenshot({ path: `${ARTIFACTS}/dark.png` });
  });
});
