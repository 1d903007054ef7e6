import { typescriptLanguage } from "@codemirror/lang-javascript";
import type { Mode } from "../base/schemas";

/**
 * What the server's auto-detect will take the code for (src/build/detect-mode.ts): a module when it
 * exports anything at its top level (a default export with fetch, or functions and classes to call),
 * else a snippet. It uses the editor's own parser, already in
 * the page, so a string or comment that says "export default" does not count.
 */
export function detectMode(code: string): Mode {
  const cursor = typescriptLanguage.parser.parse(code).topNode.cursor();
  if (!cursor.firstChild()) return "snippet";
  do {
    if (cursor.name === "ExportDeclaration") return "module";
  } while (cursor.nextSibling());
  return "snippet";
}

/** Why the chosen mode cannot run this code, in the user's terms; null when they agree. */
export function modeConflict(code: string, chosen: string): { detected: Mode; words: string } | null {
  if (chosen !== "snippet" && chosen !== "module") return null;
  const detected = detectMode(code);
  if (detected === chosen) return null;
  return detected === "module"
    ? {
        detected,
        words: "Mode is Snippet, but this code exports: it is a module, and would fail to run as a snippet.",
      }
    : {
        detected,
        words:
          "Mode is Module, but this code exports nothing: a module needs export default { fetch }, or exports to call.",
      };
}

/**
 * The mode to show for a program someone else stored (a share link, a history entry): auto-detect
 * when auto-detect would choose the same, so the page stays on auto-detect unless the mode matters.
 */
export function modeToShow(code: string | null, stored: Mode): "" | Mode {
  return code === null || detectMode(code) === stored ? "" : stored;
}
