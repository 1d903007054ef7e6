import type { Program } from "../store/program";
import { PROGRAM_MODULE, SNIPPET_PREFIX } from "./runner-source";

export interface SourceLocation {
  readonly line: number;
  readonly column: number;
}

const POSITION = new RegExp(`${PROGRAM_MODULE.replace(".", "\\.")}:(\\d+):(\\d+)`, "g");

/**
 * Runtime positions in the user's own terms. A snippet's first line shares its line with our
 * wrapper's prefix, so only columns on line 1 move; line numbers are already the user's.
 */
function userColumn(program: Program, line: number, column: number): number {
  return program.mode === "snippet" && line === 1 ? Math.max(1, column - SNIPPET_PREFIX.length) : column;
}

/**
 * Stack traces count columns from 1; the positions workerd gives for a syntax error count from 0.
 * Users get columns from 1, as their editor shows them.
 */
function fromOne(text: string): number {
  return /^(?:Uncaught )?SyntaxError\b/.test(text) ? 1 : 0;
}

/** Rewrites every program.js:line:column in a runtime message or stack to the user's positions. */
export function inUserTerms(program: Program, text: string): string {
  const shift = fromOne(text);
  return text.replace(POSITION, (_, line: string, column: string) => {
    return `${PROGRAM_MODULE}:${line}:${userColumn(program, Number(line), Number(column) + shift)}`;
  });
}

/**
 * Where in the user's code an error happened: the first program.js position that is inside the
 * user's lines (a snippet's last line, after the user's, is our wrapper's).
 */
export function locate(program: Program, text: string): SourceLocation | undefined {
  const lines = program.code.split("\n").length;
  for (const match of text.matchAll(POSITION)) {
    const line = Number(match[1]);
    if (line > lines) continue;
    return { line, column: userColumn(program, line, Number(match[2]) + fromOne(text)) };
  }
  return undefined;
}
