import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { forSuite } from "./for-suite.ts";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/**
 * Debian's Chromium, driven by playwright-core. Without it the browser tests are skipped with a plain
 * message, except in CI, where .ci/run installs it and a missing browser is a failure.
 */
export const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) {
  const message = `No Chromium at ${CHROMIUM}: browser tests skipped (apt-get install chromium, or set CHROMIUM_PATH).`;
  if (process.env.CI) throw new Error(`${message} CI must run them.`);
  console.warn(message);
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

/** One Chromium for a suite: launched before its tests, closed after them (as devLineForSuite does a dev line). */
export function browserForSuite(): { readonly browser: Browser } {
  const suite = forSuite("Chromium", launch, (browser) => browser.close());
  return {
    get browser() {
      return suite.get();
    },
  };
}
