import { build } from "esbuild";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import type { HistoryAnswer } from "../../src/base/answers.ts";
import { browserForSuite, hasChromium } from "../support/node/chromium.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";

/**
 * src/client/tokens-panel.ts in Chromium, on the dev line's own page (the playground mounts it; here
 * it is mounted into an empty element of the page, so the test needs nothing else of the page).
 */
describe.skipIf(!hasChromium)("the tokens panel", () => {
  const server = devLineForSuite();
  const chromium = browserForSuite();
  let panelScript = "";

  beforeAll(async () => {
    const bundled = await build({
      stdin: {
        contents: `import { mountTokensPanel } from "./src/client/tokens-panel.ts";
          const host = document.createElement("div"); host.id = "tokens-host"; document.body.append(host);
          window.tokensPanel = mountTokensPanel(host);`,
        resolveDir: process.cwd(),
        loader: "ts",
      },
      bundle: true,
      format: "iife",
      write: false,
      logLevel: "silent",
    });
    panelScript = bundled.outputFiles[0]?.text ?? "";
  });

  /** The playground page, with the panel mounted (the page's CSP allows only its own scripts, hence bypassCSP). */
  async function pageWithPanel(): Promise<Page> {
    const context = await chromium.browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(`${server.origin}/`);
    await page.addScriptTag({ content: panelScript });
    await page.locator("#tokens-host .tokens-section").waitFor();
    return page;
  }

  it("makes a token shown once, which then works on the API, lists it and revokes it", async () => {
    const page = await pageWithPanel();
    await expect.poll(() => page.locator("#tokens-host").textContent()).toContain("No tokens yet.");
    await page.getByLabel("Name").fill("from the panel");
    await page.getByRole("button", { name: "Create token" }).click();
    const value = page.locator(".tokens-value");
    await expect.poll(() => value.inputValue()).toMatch(/^pl_[\w-]{43}$/);
    const token = await value.inputValue();
    await expect.poll(() => page.locator(".tokens-item").count()).toBe(1);
    expect(await page.locator(".tokens-item").textContent()).toContain("from the panel");
    expect(await page.locator(".tokens-list").textContent()).not.toContain(token);

    const used = await fetch(`${server.origin}/api/history`, { headers: { authorization: `Bearer ${token}` } });
    expect(used.status).toBe(200);
    expect(((await used.json()) as HistoryAnswer).entries).toEqual([]);

    // Revoking asks in the page's own dialog, never the browser's confirm().
    await page.getByRole("button", { name: "Revoke from the panel" }).click();
    await page.locator("#dialog-ok").click();
    await expect.poll(() => page.locator(".tokens-item").count()).toBe(0);
    const refused = await fetch(`${server.origin}/api/history`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(401);
    await page.context().close();
  });

  it("says why when the server refuses a name", async () => {
    const page = await pageWithPanel();
    await page.getByLabel("Name").fill("   ");
    await page.getByRole("button", { name: "Create token" }).click();
    await expect.poll(() => page.locator(".tokens-status").textContent()).toMatch(/name must not be empty/);
    await page.context().close();
  });
});
