import { init, parse } from "es-module-lexer/js";
import type { Mode } from "../base/schemas";

/**
 * A program with a default export is a module; anything else is a snippet. A real lexer is used so
 * that "export default" inside a string or comment of a snippet does not count.
 */
export async function detectMode(code: string): Promise<Mode> {
  await init;
  try {
    const [, exports] = parse(code);
    return exports.some((entry) => "name" in entry && entry.name === "default") ? "module" : "snippet";
  } catch {
    // Not lexable (a syntax error the loader will report, such as an `await` outside a function): a line
    // starting with "export default" still marks a module, so its error points at the user's column.
    return /^\s*export\s+default\b/m.test(code) ? "module" : "snippet";
  }
}
