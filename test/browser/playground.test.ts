import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevServer, startDevServer, tempStateDir } from "../node/dev-server.ts";
import { ROOT } from "../node/readme.ts";
import { hasChromium, launch } from "./chromium.ts";

const ARTIFACTS = `${ROOT}test-artifacts/screenshots`;

describe.skipIf(!hasChromium)("the playground in Chromium", () => {
  let server: DevServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    server = await startDevServer({ persistTo: tempStateDir() });
    browser = await launch();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function open(width = 1280): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(`${server.origin}/`);
    await page.waitForLoadState("networkidle");
    expect(errors).toEqual([]);
    // bun dev runs programs in its sandbox runtime: the page must not claim it cannot.
    expect(await page.getByText("no Worker Loader").count()).toBe(0);
    return page;
  }

  it("runs a reference example with the keyboard and shows the response as text", async () => {
    const page = await open();
    await page.getByRole("button", { name: /Uppercase tool/ }).click();
    await expect.poll(() => page.locator("#mode").inputValue()).toBe("module");
    await page.locator("#prompt").fill("<b>not bold</b>");
    await page.locator("#code").focus();
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator("#output").textContent()).toBe("<B>NOT BOLD</B>");
    expect(await page.locator("#output b").count()).toBe(0);
    expect(await page.locator("#status").textContent()).toBe("200");
    expect(await page.locator("#time").textContent()).toMatch(/^\d+ ms$/);
    expect(await page.locator("#program-url").textContent()).toMatch(/\/run\/[0-9a-f]{64}$/);
    await page.screenshot({ path: `${ARTIFACTS}/run-module.png`, fullPage: true });
  });

  it("shows a program's error, and restores code and prompt from history", async () => {
    const page = await open();
    await page.getByRole("button", { name: /Word reverser/ }).click();
    await page.locator("#prompt").fill("one two three");
    await page.getByRole("button", { name: /^Run/ }).click();
    await expect
      .poll(async () => JSON.parse((await page.locator("#output").textContent()) ?? "{}").reversed)
      .toBe("three two one");

    await page.locator("#code").fill("throw new Error('broken on purpose');");
    await page.locator("#mode").selectOption("snippet");
    await page.locator("#prompt").fill("second");
    await page.getByRole("button", { name: /^Run/ }).click();
    await expect.poll(() => page.locator("#status").textContent()).toBe("502 error");
    expect(await page.locator("#output").textContent()).toContain("broken on purpose");

    await expect.poll(() => page.locator(".history-item").count()).toBe(2);
    await page.locator(".history-item", { hasText: "one two three" }).click();
    await expect.poll(() => page.locator("#prompt").inputValue()).toBe("one two three");
    await expect.poll(() => page.locator("#code").inputValue()).toContain("words.reverse()");
    await page.screenshot({ path: `${ARTIFACTS}/history.png`, fullPage: true });

    page.once("dialog", (dialog) => dialog.accept());
    await page.getByRole("button", { name: "Clear" }).click();
    await expect.poll(() => page.locator(".history-item").count()).toBe(0);
  });

  it("shows the run's console and outcome, and marks the line an error points at", async () => {
    const page = await open();
    await page.locator("#mode").selectOption("snippet");
    await page
      .locator("#code")
      .fill("console.log('checking', { prompt });\nconsole.warn('careful');\nthrow new RangeError('bad prompt');");
    await page.locator("#prompt").fill("p1");
    await page.locator("#code").focus();
    await page.keyboard.press("Control+Enter");
    await expect.poll(() => page.locator("#status").textContent()).toBe("502 error");
    await expect.poll(() => page.locator("#outcome").textContent()).toMatch(/^threw · (cold|warm)$/);
    await expect.poll(() => page.locator("#error-at").textContent()).toBe("Line 3, column 7: RangeError: bad prompt");
    expect(await page.locator("#error-band").isVisible()).toBe(true);
    const band = await page.locator("#error-band").boundingBox();
    const area = await page.locator("#code").boundingBox();
    const lineHeight = Number(
      await page.evaluate("parseFloat(getComputedStyle(document.getElementById('code')).lineHeight)"),
    );
    // The band sits on the third line: two line heights below the top of the text, give or take the padding.
    expect((band?.y ?? 0) - (area?.y ?? 0)).toBeGreaterThan(2 * lineHeight);
    expect((band?.y ?? 0) - (area?.y ?? 0)).toBeLessThan(3 * lineHeight);

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
    const caret = await page.locator("#code").evaluate("document.getElementById('code').selectionStart");
    expect(caret).toBe("console.log('checking', { prompt });\nconsole.warn('careful');\nthrow ".length);
    await page.locator("#code").press("End");
    await page.keyboard.type(" ");
    expect(await page.locator("#error-band").isVisible()).toBe(false);
  });

  it("fits a 375 px wide screen without horizontal scrolling", async () => {
    const page = await open(375);
    const overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/narrow-375.png`, fullPage: true });
  });
});
