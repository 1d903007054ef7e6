import { init, parse } from "es-module-lexer/js";
import type { Mode } from "../base/schemas";

/**
 * A program that exports anything is a module (a default export with `fetch`, or functions and
 * classes to call over RPC); anything else is a snippet. A real lexer is used so that "export" inside
 * a string or comment of a snippet does not count.
 */
export async function detectMode(code: string): Promise<Mode> {
  await init;
  try {
    const [, exports] = parse(code);
    return exports.length > 0 ? "module" : "snippet";
  } catch {
    // Not lexable (a syntax error the loader will report, such as an `await` outside a function): a line
    // starting with "export" still marks a module, so its error points at the user's column.
    return /^\s*export\s+(default\b|async\b|function\b|class\b|const\b|let\b|var\b|\{)/m.test(code)
      ? "module"
      : "snippet";
  }
}
