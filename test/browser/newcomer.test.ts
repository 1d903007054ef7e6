import { describe, expect, it } from "vitest";
import { browserForSuite, hasChromium } from "../support/node/chromium.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";
import {
  code,
  openPlayground,
  PHONE,
  pageErrors,
  readmeModuleExample,
  run,
  setCode,
  statusAfterRun,
} from "./playground-page.ts";

/**
 * What a person does first: paste the README's module example into a fresh page and press Run. The
 * page opens on a snippet example; auto-detect must still take the pasted module for a module.
 */
describe.skipIf(!hasChromium)("a newcomer in Chromium", () => {
  const server = devLineForSuite();
  const chromium = browserForSuite();

  it("pastes the README's module example into a fresh page, presses Run and reads the answer", async () => {
    const example = readmeModuleExample();
    expect(example).toMatch(/^export default \{/);
    const page = await openPlayground(chromium.browser, server.origin);
    // The page opens on a snippet, but the mode is auto-detect, not that example's.
    expect(await code(page)).toContain("prompt.split");
    expect(await page.locator("#mode").inputValue()).toBe("");

    await setCode(page, example);
    await page.locator("#prompt").fill("hello newcomer");
    await run(page);
    expect(await statusAfterRun(page)).toBe("200");
    expect(await page.locator("#output").textContent()).toBe("HELLO NEWCOMER");
    expect(await page.locator("#error-view").isHidden()).toBe(true);
    expect(pageErrors(page)).toEqual([]);
  });

  it("does the same on a phone, where Run shows the Output tab", async () => {
    const page = await openPlayground(chromium.browser, server.origin, { viewport: PHONE });
    expect(await page.locator("#pane-output").isVisible()).toBe(false);
    await setCode(page, readmeModuleExample());
    await page.locator("#prompt").fill("small screen");
    await page.locator("#run").click();
    await expect.poll(() => page.locator("#pane-output").isVisible()).toBe(true);
    expect(await page.locator("#pane-code").isVisible()).toBe(false);
    expect(await page.getByRole("tab", { name: "Output" }).getAttribute("aria-selected")).toBe("true");
    expect(await statusAfterRun(page)).toBe("200");
    expect(await page.locator("#output").textContent()).toBe("SMALL SCREEN");
  });

  it("flags a mode that contradicts the code before the run, and fixes it with one click", async () => {
    const page = await openPlayground(chromium.browser, server.origin);
    const submits: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/submit")) submits.push(request.url());
    });
    await page.locator("#mode").selectOption("snippet");
    await setCode(page, readmeModuleExample());
    await expect.poll(() => page.locator("#mode-warning").isVisible()).toBe(true);
    expect(await page.locator("#mode-warning").textContent()).toMatch(/Mode is Snippet, but this code exports/);
    // Run does not send a program that cannot run: it points at the fix instead.
    await run(page);
    expect(await page.locator("#status").textContent()).toBe("Not run: check the mode");
    expect(await page.evaluate("document.activeElement.id")).toBe("mode-fix");
    expect(submits).toEqual([]);
    await page.locator("#mode-fix").click();
    expect(await page.locator("#mode").inputValue()).toBe("");
    expect(await page.locator("#mode-warning").isHidden()).toBe(true);
    await page.locator("#prompt").fill("fixed");
    await run(page);
    expect(await statusAfterRun(page)).toBe("200");
    expect(await page.locator("#output").textContent()).toBe("FIXED");

    // The reverse: a module chosen for a snippet.
    await page.locator("#mode").selectOption("module");
    await setCode(page, "return prompt.length;");
    await expect
      .poll(() => page.locator("#mode-warning").textContent())
      .toMatch(/Mode is Module, but this code exports nothing/);
    // A default export only in a string or comment does not count.
    await setCode(page, "// export default {}\nreturn 'export default 1';");
    await expect.poll(() => page.locator("#mode-warning").isVisible()).toBe(true);
    await page.locator("#mode").selectOption("snippet");
    await expect.poll(() => page.locator("#mode-warning").isHidden()).toBe(true);
    expect(pageErrors(page)).toEqual([]);
  });
});
