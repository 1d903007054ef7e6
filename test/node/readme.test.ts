import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROOT, setupLines } from "../../scripts/dev-line/readme-lines.ts";
import { ERROR_STATUS } from "../../src/base/errors";

const readme = readFileSync(`${ROOT}README.md`, "utf8");
const api = readFileSync(`${ROOT}docs/api.md`, "utf8");

describe("the README stays true", () => {
  it("opens with the dev line and the test line, and .ci/run runs the test line verbatim", () => {
    const { dev, test } = setupLines();
    expect(dev).toBe("npx -y bun install && npx -y bun dev");
    expect(test).toBe("npx -y bun install && npx -y bun run test");
    const ci = readFileSync(`${ROOT}.ci/run`, "utf8").split("\n");
    expect(ci).toContain(test);
  });

  it("stays a short guide: at most 200 lines", () => {
    expect(readme.trimEnd().split("\n").length).toBeLessThanOrEqual(200);
  });

  it("links only to docs that exist", () => {
    const links = [...readme.matchAll(/\]\((docs\/[^)#\s]+\.md)(?:#[^)\s]*)?\)/g)].map((match) => match[1]);
    expect(links.length).toBeGreaterThan(0);
    for (const link of new Set(links)) {
      expect(existsSync(`${ROOT}${link}`), `${link} is linked from the README`).toBe(true);
    }
  });

  it("docs/api.md lists every error code with its status", () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(api).toMatch(new RegExp(`\\|\\s*${status}\\s*\\|\\s*\`${code}\``));
    }
  });
});
