import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import { ROOT } from "../../scripts/dev-line/readme-lines.ts";

/** Screenshots of the page in each state, for a person to look at after a run. */
export const ARTIFACTS = `${ROOT}test-artifacts/screenshots`;

export const WIDE = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

export interface OpenOptions {
  readonly viewport?: { width: number; height: number };
  readonly path?: string;
  readonly colorScheme?: "light" | "dark";
  /** Keep the localStorage of an earlier page in this context (a reload, a draft). */
  readonly page?: Page;
}

/**
 * A fresh page of the playground, failing the test on any script error, CSP refusal or use of the
 * browser's own dialogs (prompt, confirm, alert): the page must use its in-page dialog only.
 */
export async function openPlayground(browser: Browser, origin: string, options: OpenOptions = {}): Promise<Page> {
  const page =
    options.page ??
    (await browser.newPage({ viewport: options.viewport ?? WIDE, colorScheme: options.colorScheme ?? "light" }));
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of (404|4\d\d|5\d\d)/.test(message.text())) errors.push(message.text());
  });
  page.on("dialog", (dialog) => {
    errors.push(`a browser ${dialog.type()}() dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(`${origin}${options.path ?? "/"}`);
  await page.locator(".cm-content").waitFor();
  await page.waitForLoadState("networkidle");
  expect(errors).toEqual([]);
  (page as Page & { errors: string[] }).errors = errors;
  return page;
}

/** The errors the page met since it opened; a test ends with none. */
export function pageErrors(page: Page): string[] {
  return (page as Page & { errors?: string[] }).errors ?? [];
}

/** Replaces the editor's text, as a paste would. */
export async function setCode(page: Page, code: string) {
  await page.locator(".cm-content").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.locator(".cm-content").fill(code);
}

/** The text the editor holds (the hidden textarea it keeps in step). */
export const code = (page: Page) => page.locator("#code").inputValue();

/** Picks an example from the toolbar's menu. */
export async function pickExample(page: Page, title: RegExp) {
  await page.getByRole("button", { name: /Examples/ }).click();
  await page.getByRole("menuitem", { name: title }).click();
}

export const run = (page: Page) => page.locator("#run").click();

/** Waits for the run to end and answers its status badge. */
export async function statusAfterRun(page: Page): Promise<string> {
  await expect
    .poll(() => page.locator("#status").textContent(), { timeout: 20_000 })
    .not.toMatch(/Running|Not run yet/);
  return (await page.locator("#status").textContent()) ?? "";
}

const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** axe-core's violations on the page as it is now, as "rule: target" lines (empty when there are none). */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol: the page's CSP (script-src 'self') refuses an inline script tag.
  await page.evaluate(AXE);
  return (await page.evaluate(`axe.run(document, { resultTypes: ["violations"] }).then((result) =>
    result.violations.map((violation) => violation.id + ": " +
      violation.nodes.map((node) => node.target.join(" ") + " (" + node.failureSummary + ")").join("; "))
  )`)) as string[];
}

/** The first one-file module of docs/api.md's Programs section, which README's quick tour points to. */
/** The README's module example, as a newcomer copies it from the quick tour. */
export function readmeModuleExample(): string {
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  return (/```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? "").trim();
}
