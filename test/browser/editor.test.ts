import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { browserForSuite, hasChromium } from "../support/node/chromium.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";

/** WCAG's contrast ratio of two CSS colours as getComputedStyle gives them (rgb()/rgba()). */
function contrast(foreground: string, background: string): number {
  const luminance = (color: string) => {
    const [r = 0, g = 0, b = 0] = (color.match(/[\d.]+/g) ?? []).map(Number);
    const linear = [r, g, b].map((value) => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * (linear[0] ?? 0) + 0.7152 * (linear[1] ?? 0) + 0.0722 * (linear[2] ?? 0);
  };
  const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
  return ((light ?? 0) + 0.05) / ((dark ?? 0) + 0.05);
}

/** Code with one of each kind of token the highlighter colours. */
const EVERY_TOKEN = `// a comment
/** a doc comment */
import { thing } from "./util";
export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const count = ((await env.STORE.get<number>("visits")) ?? 0) + 1;
    const pattern = /vis+its/g;
    if (count > 10 && pattern.test("x")) return new Response(null);
    class Counter { #n = 0; self() { return this; } }
    return Response.json({ count, ok: true, text: \`n=\${count}\\n\` });
  },
};`;

interface Measured {
  readonly editor: string;
  readonly tokens: readonly { text: string; color: string; background: string }[];
}

/**
 * In the page (as text: this file's types are Node's): the editor's background, and every token's
 * colour with the background it is drawn on, the nearest one that is not transparent.
 */
const MEASURE_TOKENS = `(() => {
  const backgroundOf = (element) => {
    for (let node = element; node; node = node.parentElement) {
      const color = getComputedStyle(node).backgroundColor;
      if (color !== "rgba(0, 0, 0, 0)" && color !== "transparent") return color;
    }
    return "rgb(255, 255, 255)";
  };
  const spans = [...document.querySelectorAll(".cm-content .cm-line span")].filter((span) => span.textContent.trim());
  return {
    editor: getComputedStyle(document.querySelector(".cm-editor")).backgroundColor,
    tokens: spans.map((span) => ({ text: span.textContent, color: getComputedStyle(span).color, background: backgroundOf(span) })),
  };
})()`;

interface MarkedLine {
  readonly active: boolean;
  readonly shadow: string;
  readonly background: string;
  readonly plain: string;
}

const READ_LINE = `(() => {
  const element = document.querySelector(".cm-line.cm-error-line");
  return {
    active: element.classList.contains("cm-activeLine"),
    shadow: getComputedStyle(element).boxShadow,
    background: getComputedStyle(element).backgroundColor,
    plain: getComputedStyle(document.querySelector(".cm-editor")).backgroundColor,
  };
})()`;

describe.skipIf(!hasChromium)("the editor in Chromium: TypeScript's language service, Prettier, themes", () => {
  const server = devLineForSuite();
  const chromium = browserForSuite();

  /** A fresh page whose editor's language service has started; every request it makes is ours. */
  async function open(colorScheme: "light" | "dark" = "light"): Promise<{ page: Page; foreign: string[] }> {
    const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
    const page = await context.newPage();
    const foreign: string[] = [];
    page.on("request", (request) => {
      if (!request.url().startsWith(server.origin)) foreign.push(request.url());
    });
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${server.origin}/`);
    await page.locator('.cm-editor[data-language="ready"]').waitFor({ timeout: 60_000 });
    expect(errors).toEqual([]);
    return { page, foreign };
  }

  async function setCode(page: Page, code: string) {
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.locator(".cm-content").fill(code);
  }

  /** The labels the completion list offers, once it has some. */
  async function completions(page: Page): Promise<string[]> {
    const list = page.locator(".cm-tooltip-autocomplete li");
    await list.first().waitFor({ timeout: 10_000 });
    return list.allTextContents();
  }

  it("completes a snippet's prompt and a string's methods, from the bundled libs only", async () => {
    const { page, foreign } = await open();
    await setCode(page, "");
    await page.keyboard.type("return pro");
    expect(await completions(page)).toContain("prompt");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+A");
    await page.keyboard.press("Delete");
    await page.keyboard.type('const s = "x";\nreturn s.');
    const methods = await completions(page);
    expect(methods).toEqual(expect.arrayContaining(["toUpperCase", "padStart", "at"]));
    // A module knows the Workers types and env.STORE, not a snippet's prompt.
    await page.keyboard.press("Escape");
    await setCode(page, "export default {\n  async fetch(request, env) {\n    ");
    await page.keyboard.press("Control+End");
    await page.keyboard.type("env.STORE.");
    expect(await completions(page)).toEqual(expect.arrayContaining(["get", "put", "delete", "list"]));
    await page.keyboard.press("Escape");
    await page.keyboard.type("get('k');\n    return Resp");
    expect(await completions(page)).toContain("Response");
    expect(foreign).toEqual([]);
    await page.context().close();
  });

  it("underlines a type error as it is typed, and Run still runs the program", async () => {
    const { page } = await open();
    await page.locator("#language").selectOption("ts");
    await setCode(page, 'const n: number = "x";\nreturn n;');
    const underline = page.locator(".cm-lintRange-error");
    await underline.first().waitFor({ timeout: 10_000 });
    expect(await underline.allTextContents()).toEqual(["n"]);
    await underline.first().hover();
    await expect
      .poll(() => page.locator(".cm-tooltip-lint").textContent(), { timeout: 10_000 })
      .toContain("Type 'string' is not assignable to type 'number'.");
    // Diagnostics are advice: the program runs (its types are stripped) and answers.
    await page.locator("#run").click();
    await expect.poll(() => page.locator("#output").textContent(), { timeout: 20_000 }).toBe('"x"');
    // Fixing the code clears the underline.
    await setCode(page, "const n: number = 1;\nreturn n;");
    await expect.poll(() => underline.count(), { timeout: 10_000 }).toBe(0);
    await page.context().close();
  });

  it("shows a value's type on hover", async () => {
    const { page } = await open();
    await setCode(page, 'const greeting = "hello " + prompt;\nreturn greeting.length;');
    const name = page.locator(".cm-line").nth(1).getByText("greeting");
    await name.hover();
    await expect
      .poll(() => page.locator(".cm-tooltip-hover").textContent(), { timeout: 10_000 })
      .toBe("const greeting: string");
    await page.context().close();
  });

  it("formats the code with Prettier on Shift+Alt+F", async () => {
    const { page } = await open();
    await setCode(page, "const a={b:1,c:[1,2]}\nreturn a");
    await page.keyboard.press("Shift+Alt+F");
    await expect
      .poll(() => page.locator("#code").inputValue(), { timeout: 20_000 })
      .toBe("const a = { b: 1, c: [1, 2] };\nreturn a;\n");
    await page.context().close();
  });

  for (const scheme of ["dark", "light"] as const) {
    it(`gives every token 4.5:1 contrast in the ${scheme} theme, on the current line and an error's line too`, async () => {
      const { page } = await open(scheme);
      await page.locator("#language").selectOption("ts");
      await setCode(page, EVERY_TOKEN);
      // Every coloured span, on the editor's background, on the current line's, on an error line's.
      const measure = async () => (await page.evaluate(MEASURE_TOKENS)) as Measured;
      const { editor, tokens } = await measure();
      if (scheme === "dark") expect(contrast(editor, "rgb(0, 0, 0)")).toBeLessThan(2);
      expect(new Set(tokens.map((token) => token.color)).size).toBeGreaterThanOrEqual(6);
      const low = tokens.filter((token) => contrast(token.color, token.background) < 4.5);
      expect(low).toEqual([]);

      // A run's error marks its line; with the cursor on that line, the mark still shows.
      await setCode(page, 'const x = 1;\nthrow new Error("boom " + x);');
      await page.locator("#run").click();
      const marked = page.locator(".cm-line.cm-error-line");
      await marked.waitFor({ timeout: 20_000 });
      await marked.click();
      const line = (await page.evaluate(READ_LINE)) as MarkedLine;
      expect(line.active).toBe(true);
      expect(line.shadow).toMatch(/inset/);
      expect(line.background).not.toBe(line.plain);
      const onErrorLine = (await measure()).tokens.filter((token) => token.background === line.background);
      expect(onErrorLine.length).toBeGreaterThan(0);
      expect(onErrorLine.filter((token) => contrast(token.color, token.background) < 4.5)).toEqual([]);
      await page.context().close();
    });
  }

  it("keeps working after a reload: the code typed is back and the language service answers again", async () => {
    const { page } = await open();
    await setCode(page, 'const kept = "after reload";\nreturn kept');
    // The draft is saved as the visitor types; give it the moment it takes.
    await page.waitForTimeout(1_000);
    await page.reload();
    await page.locator('.cm-editor[data-language="ready"]').waitFor({ timeout: 60_000 });
    expect(await page.locator("#code").inputValue()).toContain('const kept = "after reload";');
    await page.locator(".cm-content").click();
    await page.keyboard.press("Control+End");
    await page.keyboard.type(";\nkept.toUpp");
    expect(await completions(page)).toContain("toUpperCase");
    await page.context().close();
  });
});
