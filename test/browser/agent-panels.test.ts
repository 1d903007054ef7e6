import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { ErrorAnswer, ExecuteAnswer } from "../../src/base/answers.ts";
import { browserForSuite, hasChromium } from "../support/node/chromium.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";
import {
  ARTIFACTS,
  axeViolations,
  openPlayground,
  PHONE,
  pageErrors,
  run,
  setCode,
  statusAfterRun,
} from "./playground-page.ts";

const ADD = "export function add(a, b) { return a + b }";

/**
 * The agent API's two panels on the playground page: the Call panel under a submitted module's
 * response (POST /call), and API tokens in a dialog from the toolbar (POST/GET/DELETE /tokens), each
 * checked against the real server: a call's answer, and a token's use from outside the browser.
 */
describe.skipIf(!hasChromium)("the Call panel and the API tokens dialog, in Chromium", () => {
  const server = devLineForSuite();
  const chromium = browserForSuite();
  beforeAll(() => {
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  /** Submits and runs a module that only exports `add` (auto-detect takes any export for a module). */
  async function submitAdd(page: Page) {
    await setCode(page, ADD);
    await run(page);
    await statusAfterRun(page);
    await page.locator("#call-host .exports-panel").waitFor();
  }

  const callPanel = (page: Page) => page.getByRole("region", { name: "Call an export" });

  it("lists a submitted module's exports and calls one with JSON arguments", async () => {
    const page = await openPlayground(chromium.browser, server.origin);
    // A snippet has nothing to call: no panel.
    await setCode(page, "return 1 + 1;");
    await run(page);
    expect(await statusAfterRun(page)).toBe("200");
    expect(await page.locator("#call-host").isHidden()).toBe(true);

    await submitAdd(page);
    const panel = callPanel(page);
    expect(await panel.getByLabel("Export").locator("option").allTextContents()).toEqual(["add()"]);

    await panel.getByLabel("Arguments (a JSON array)").fill("[2, 3]");
    await panel.getByRole("button", { name: "Call" }).click();
    await expect.poll(() => page.locator(".exports-result").textContent()).toBe("5");
    expect(await panel.getByRole("status").textContent()).toMatch(/^200 ok in /);

    // Arguments that are not a JSON array are refused before any request, in words.
    await panel.getByLabel("Arguments (a JSON array)").fill("{");
    await panel.getByLabel("Arguments (a JSON array)").press("Control+Enter");
    await expect.poll(() => panel.getByRole("status").textContent()).toMatch(/not JSON/);
    expect(await page.locator(".exports-result").textContent()).toBe("");

    // The call was a run: Recent runs shows it, by the name and arguments it was called with.
    await page.getByRole("tab", { name: "Recent runs" }).click();
    await expect.poll(() => page.locator(".history-prompt").allTextContents()).toContain("add(2,3)");

    // Its share link opens with the Call panel, ready before any run.
    const shared = await openPlayground(chromium.browser, server.origin, {
      path: (await page.locator("#share-url").getAttribute("href")) ?? "",
    });
    await callPanel(shared).getByRole("button", { name: "Call" }).waitFor();
    expect(await shared.locator("#status").textContent()).toMatch(/Not run yet/);
    await shared.close();

    // A refused submit takes the panel away: it never calls an earlier program.
    await page.getByRole("tab", { name: "Response" }).click();
    await setCode(page, "export function broken( {");
    await run(page);
    await statusAfterRun(page);
    await expect.poll(() => page.locator("#call-host").isHidden()).toBe(true);
    expect(await page.locator("#call-host").textContent()).toBe("");
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("makes a named token shown once that works as a bearer, lists it, and revokes it", async () => {
    const page = await openPlayground(chromium.browser, server.origin);
    await page.getByRole("button", { name: "API tokens" }).click();
    const dialog = page.getByRole("dialog", { name: "API tokens" });
    await dialog.waitFor();
    await expect.poll(() => dialog.textContent()).toContain("No tokens yet.");
    // The dialog opens on the name field.
    expect(await page.evaluate("document.activeElement?.getAttribute('name')")).toBe("name");

    await page.keyboard.type("ci");
    await page.keyboard.press("Enter");
    const value = dialog.getByRole("textbox", { name: "New token" });
    await expect.poll(() => value.inputValue()).toMatch(/^pl_[\w-]{43}$/);
    const token = await value.inputValue();
    await expect.poll(() => dialog.locator(".tokens-item").allTextContents()).toHaveLength(1);
    expect(await dialog.locator(".tokens-item").textContent()).toContain("ci");
    expect(await dialog.locator(".tokens-list").textContent()).not.toContain(token);

    // The token works from outside the browser, with no cookie: its run lands in the visitor's history.
    const bearer = { authorization: `Bearer ${token}`, "content-type": "application/json" };
    const executed = await fetch(`${server.origin}/api/execute`, {
      method: "POST",
      headers: bearer,
      body: JSON.stringify({ code: "return 6 * 7;" }),
    });
    expect(executed.status).toBe(200);
    expect(((await executed.json()) as ExecuteAnswer).result).toBe(42);

    // Shown once: closed and opened again, the dialog lists the token by name but no longer shows it.
    await page.keyboard.press("Escape");
    await expect.poll(() => dialog.isHidden()).toBe(true);
    expect(await page.evaluate("document.activeElement?.id")).toBe("tokens-button");
    await page.keyboard.press("Enter");
    await expect.poll(() => dialog.locator(".tokens-item").count()).toBe(1);
    expect(await dialog.textContent()).not.toContain(token);
    expect(await dialog.locator(".tokens-item").textContent()).toMatch(/^ci · created .* last used/);

    // Revoking asks in the page's own dialog (openPlayground fails the test on a browser confirm()).
    await dialog.getByRole("button", { name: "Revoke ci" }).click();
    const confirm = page.getByRole("dialog", { name: 'Revoke "ci"?' });
    await confirm.waitFor();
    // Esc keeps it, and leaves the tokens dialog open.
    await page.keyboard.press("Escape");
    await expect.poll(() => confirm.isHidden()).toBe(true);
    expect(await dialog.isVisible()).toBe(true);
    expect(await dialog.locator(".tokens-item").count()).toBe(1);
    await dialog.getByRole("button", { name: "Revoke ci" }).click();
    await confirm.getByRole("button", { name: "Revoke" }).click();
    await expect.poll(() => dialog.locator(".tokens-item").count()).toBe(0);
    expect(await dialog.getByRole("status").textContent()).toBe('Revoked "ci".');
    expect(await dialog.isVisible()).toBe(true);

    const refused = await fetch(`${server.origin}/api/execute`, {
      method: "POST",
      headers: bearer,
      body: JSON.stringify({ code: "return 1;" }),
    });
    expect(refused.status).toBe(401);
    const history = await fetch(`${server.origin}/api/history`, { headers: { authorization: `Bearer ${token}` } });
    expect(history.status).toBe(401);
    expect(((await history.json()) as ErrorAnswer).error.code).toBe("token_revoked");
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("keeps the newest token list when the list read at opening answers last", async () => {
    const page = await openPlayground(chromium.browser, server.origin);
    // The dialog's first read of the list is held until a token has been made and listed.
    let madeIt = () => {};
    const made = new Promise<void>((resolve) => {
      madeIt = resolve;
    });
    let deliveredIt = () => {};
    const delivered = new Promise<void>((resolve) => {
      deliveredIt = resolve;
    });
    let reads = 0;
    await page.route("**/tokens", async (route) => {
      if (route.request().method() === "GET" && ++reads === 1) {
        const stale = await route.fetch();
        await made;
        await route.fulfill({ response: stale });
        return deliveredIt();
      }
      return route.continue();
    });
    await page.getByRole("button", { name: "API tokens" }).click();
    const dialog = page.getByRole("dialog", { name: "API tokens" });
    await dialog.waitFor();
    await page.keyboard.type("late");
    await page.keyboard.press("Enter");
    await expect.poll(() => dialog.locator(".tokens-item").count()).toBe(1);
    expect(reads).toBe(2);
    madeIt();
    await delivered;
    // The held read, from before the token, has reached the page; once it has had time to read it, the
    // list still shows the token.
    await page.waitForLoadState("networkidle");
    await page.evaluate(() => new Promise((settled) => setTimeout(settled, 200)));
    expect(await dialog.locator(".tokens-item").count()).toBe(1);
    expect(await dialog.locator(".tokens-item").textContent()).toContain("late");
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("keeps the tokens panel of a dialog opened again before the last closing's event came", async () => {
    const page = await openPlayground(chromium.browser, server.origin);
    await page.getByRole("button", { name: "API tokens" }).click();
    const dialog = page.getByRole("dialog", { name: "API tokens" });
    await dialog.waitFor();
    // Esc, then Enter on the button it focuses, quicker than the browser's "close" event (a task of
    // its own): that event must not unmount the panel the opening just mounted.
    await page.evaluate(`document.getElementById("tokens-dialog").close();
      document.getElementById("tokens-button").click();`);
    await page.evaluate(() => new Promise((settled) => setTimeout(settled, 50)));
    expect(await dialog.isVisible()).toBe(true);
    expect(await dialog.getByRole("textbox", { name: "Name" }).count()).toBe(1);
    expect(pageErrors(page)).toEqual([]);
    await page.close();
  });

  it("has no axe violation with the Call panel shown and with the tokens dialog open, wide and on a phone", async () => {
    for (const [name, options] of [
      ["wide", {}],
      ["phone-dark", { viewport: PHONE, colorScheme: "dark" as const }],
    ] as const) {
      const page = await openPlayground(chromium.browser, server.origin, options);
      await submitAdd(page);
      const panel = callPanel(page);
      await panel.getByLabel("Arguments (a JSON array)").fill("[2, 3]");
      await panel.getByRole("button", { name: "Call" }).click();
      await expect.poll(() => page.locator(".exports-result").textContent()).toBe("5");
      await page.locator("#call-host").scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${ARTIFACTS}/call-panel-${name}.png` });
      expect(await axeViolations(page)).toEqual([]);

      await page.getByRole("button", { name: "API tokens" }).click();
      const dialog = page.getByRole("dialog", { name: "API tokens" });
      await expect.poll(() => dialog.textContent()).toMatch(/No tokens yet|created/);
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.type("axe");
      await page.keyboard.press("Enter");
      await expect.poll(() => dialog.getByRole("textbox", { name: "New token" }).inputValue()).toMatch(/^pl_/);
      await page.screenshot({ path: `${ARTIFACTS}/tokens-dialog-${name}.png` });
      expect(await axeViolations(page)).toEqual([]);
      // The page's confirm, over the tokens dialog.
      await dialog.getByRole("button", { name: "Revoke axe" }).click();
      await page.getByRole("dialog", { name: 'Revoke "axe"?' }).waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await page.keyboard.press("Escape");
      expect(pageErrors(page)).toEqual([]);
      await page.close();
    }
  });
});
