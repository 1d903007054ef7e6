import { readFileSync } from "node:fs";

export const ROOT = new URL("../../", import.meta.url).pathname;

/** The README's first code block holds the two set-up lines: first the dev line, then the test line. */
export function setupLines(): { dev: string; test: string } {
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  const block = /```(?:sh|bash|shell)?\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
  const lines = block
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
  const [dev = "", test = ""] = lines;
  return { dev, test };
}
