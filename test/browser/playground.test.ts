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

  it("fits a 375 px wide screen without horizontal scrolling", async () => {
    const page = await open(375);
    const overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth");
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/narrow-375.png`, fullPage: true });
  });
});
