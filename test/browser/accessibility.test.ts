import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserForSuite, hasChromium } from "../support/node/chromium.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";
import { axeViolations, code, openPlayground, PHONE, run, setCode, statusAfterRun } from "./playground-page.ts";

describe.skipIf(!hasChromium)("the playground for everyone, in Chromium", () => {
  const server = devLineForSuite();
  const chromium = browserForSuite();

  /** The focused element's id, or its class when it has none. */
  const active = (page: Page) =>
    page.evaluate("document.activeElement?.id || document.activeElement?.className || ''") as Promise<string>;

  it("has no axe violation: fresh, after a run, after an error, with the console, a menu and a dialog open", async () => {
    const page = await openPlayground(chromium.browser, server.origin);
    expect(await axeViolations(page)).toEqual([]);

    await setCode(page, "console.log('hi', { a: 1 });\nreturn prompt;");
    await run(page);
    expect(await statusAfterRun(page)).toBe("200");
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("tab", { name: /Console/ }).click();
    await expect.poll(() => page.locator("#console .console-row").count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);

    await setCode(page, "null.boom;");
    await run(page);
    expect(await statusAfterRun(page)).toBe("502 error");
    await page.getByRole("tab", { name: "Response" }).click();
    expect(await axeViolations(page)).toEqual([]);

    await page.locator("#prompt").fill("changed");
    await expect.poll(() => page.locator("#stale").isVisible()).toBe(true);
    await page.locator("#mode").selectOption("module");
    await expect.poll(() => page.locator("#mode-warning").isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    await page.getByRole("button", { name: /Examples/ }).click();
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press("Escape");
    await page.getByRole("tab", { name: "Recent runs" }).click();
    await page.getByRole("button", { name: "Clear" }).click();
    await expect.poll(() => page.locator("#dialog").isVisible()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
  });

  it("has no axe violation in dark mode and on a phone", async () => {
    for (const options of [
      { colorScheme: "dark" as const },
      { viewport: PHONE },
      { viewport: PHONE, colorScheme: "dark" as const },
    ]) {
      const page = await openPlayground(chromium.browser, server.origin, options);
      expect(await axeViolations(page)).toEqual([]);
      await setCode(page, "null.boom;");
      await run(page);
      expect(await statusAfterRun(page)).toBe("502 error");
      expect(await axeViolations(page)).toEqual([]);
      await page.close();
    }
  });

  it("works from the keyboard alone: skip link, editor, run, examples, output, history, dialog", async () => {
    const page = await openPlayground(chromium.browser, server.origin);
    await page.keyboard.press("Tab");
    expect(await active(page)).toBe("skip-link");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    expect(await page.evaluate("document.activeElement.classList.contains('cm-content')")).toBe(true);
    await page.keyboard.press("Control+A");
    await page.keyboard.type("return 40 + 2;");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator("#output").textContent()).toBe("42");

    // Esc, then Tab (within CodeMirror's 2 s), leaves the editor. On a machine saturated by other
    // tests the two presses can land further apart, so it gets three tries.
    let left = false;
    for (let attempt = 0; attempt < 3 && !left; attempt++) {
      await page.keyboard.press("Escape");
      await page.keyboard.press("Tab");
      left = !(await page.evaluate("document.activeElement.classList.contains('cm-content')"));
    }
    expect(left).toBe(true);

    // The prompt is reachable with Tab, and Ctrl+Enter runs from there.
    for (let step = 0; step < 6 && (await active(page)) !== "prompt"; step++) await page.keyboard.press("Tab");
    expect(await active(page)).toBe("prompt");
    await page.keyboard.type("ignored");
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator("#stale").isHidden()).toBe(true);

    // The examples menu, from the toolbar.
    await page.locator("#examples-button").focus();
    await page.keyboard.press("Enter");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    expect(await code(page)).toContain("env.STORE");
    expect(await page.evaluate("document.activeElement.classList.contains('cm-content')")).toBe(true);

    // Output tabs with arrows, then a history entry with Enter.
    await expect.poll(() => page.locator(".history-item").count()).toBe(2);
    await page.locator("#tab-response").focus();
    await page.keyboard.press("End");
    expect(await active(page)).toBe("tab-history");
    await page.keyboard.press("Tab");
    expect(await active(page)).toBe("clear-history");
    await page.keyboard.press("Tab");
    expect(await active(page)).toBe("history-item");
    await page.keyboard.press("Enter");
    await expect.poll(() => code(page)).toContain("40 + 2");

    // The in-page dialog: Escape cancels, focus returns to the button that opened it.
    await page.locator("#add-file").focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#dialog").isVisible()).toBe(true);
    expect(await active(page)).toBe("dialog-input");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator("#dialog").isHidden()).toBe(true);
    expect(await active(page)).toBe("add-file");
    await page.keyboard.press("Enter");
    await page.keyboard.type("extra.js");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator("#file-tabs .file-open").allTextContents()).toEqual(["index.js", "extra.js"]);

    // The splitter moves with the arrows.
    await page.locator("#splitter").focus();
    const before = Number(await page.locator("#splitter").getAttribute("aria-valuenow"));
    await page.keyboard.press("ArrowLeft");
    expect(Number(await page.locator("#splitter").getAttribute("aria-valuenow"))).toBe(before - 2);
  });
});
