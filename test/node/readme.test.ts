import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_STATUS } from "../../src/respond/errors";
import { ROOT, setupLines } from "./readme.ts";

const readme = readFileSync(`${ROOT}README.md`, "utf8");

describe("the README stays true", () => {
  it("opens with the dev line and the test line, and .ci/run runs the test line verbatim", () => {
    const { dev, test } = setupLines();
    expect(dev).toBe("npx -y bun install && npx -y bun dev");
    expect(test).toBe("npx -y bun install && npx -y bun run test");
    const ci = readFileSync(`${ROOT}.ci/run`, "utf8").split("\n");
    expect(ci).toContain(test);
  });

  it("lists every error code with its status", () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      expect(readme).toMatch(new RegExp(`\\|\\s*${status}\\s*\\|\\s*\`${code}\``));
    }
  });
});
