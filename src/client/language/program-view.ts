import type { ProgramKind } from "./protocol";

/**
 * The text the language service reads for the file on screen, which may differ from the editor's
 * by one insertion: a module's `export default { … }` is given the type of a Workers handler, so an
 * untyped `fetch(request, env)` still knows `request` is a Request and `env.STORE` a Store.
 * Positions are translated across the insertion both ways.
 */
export interface ProgramView {
  readonly text: string;
  toService(position: number): number;
  toEditor(position: number): number;
}

const HANDLER_TYPE = "ExportedHandler<Env>";
const DEFAULT_OBJECT = /^[ \t]*export\s+default\s*(?=\{)/m;

export function isTypeScript(path: string): boolean {
  return /\.(?:ts|tsx|mts|cts)$/.test(path);
}

export function programView(path: string, kind: ProgramKind, code: string): ProgramView {
  const match = kind === "module" ? DEFAULT_OBJECT.exec(code) : null;
  if (!match) return { text: code, toService: (position) => position, toEditor: (position) => position };
  // TypeScript reads a type assertion; JavaScript (without type syntax) a JSDoc type on the export.
  const typed = isTypeScript(path);
  const at = typed ? match.index + match[0].length : match.index + (match[0].length - match[0].trimStart().length);
  const insert = typed ? `<${HANDLER_TYPE}>` : `/** @type {${HANDLER_TYPE}} */ `;
  const length = insert.length;
  return {
    text: code.slice(0, at) + insert + code.slice(at),
    toService: (position) => (position >= at ? position + length : position),
    toEditor: (position) => (position >= at + length ? position - length : Math.min(position, at)),
  };
}
