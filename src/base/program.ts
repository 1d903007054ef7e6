import type { Language, Mode } from "./schemas";

/** What the Worker Loader runs for a program that needed building (TypeScript, several files). */
export interface Compiled {
  readonly mainModule: string;
  readonly modules: Readonly<Record<string, string>>;
  /** Source map (JSON) of the main module back to the user's files: runtime errors in their terms. */
  readonly sourceMap?: string;
}

/** A stored program: what is hashed, stored and loaded. */
export interface Program {
  readonly mode: Mode;
  /** The source of a one-file program; empty for a program given as `files`. */
  readonly code: string;
  /** Opted in to the operator's egress policy: its fetch() goes through our gateway. */
  readonly network?: boolean;
  /** A one-file program in TypeScript. */
  readonly language?: Language;
  /** A multi-file program: its files by path, and the module that is its entry point. */
  readonly files?: Readonly<Record<string, string>>;
  readonly main?: string;
  /** Built once at submit time from the source above; not part of the hash. */
  readonly compiled?: Compiled;
}

/** The module name of the user's program inside its isolate; the runner imports it. */
export const PROGRAM_MODULE = "program.js";

/**
 * A snippet becomes the body of an async function with `prompt` in scope. The user's first line
 * shares our first line, so runtime line numbers are the user's own. The inner function gives the
 * user's `const result`/`var result` its own scope, while a bare `result = …` lands in ours.
 */
export const SNIPPET_PREFIX = "export default async function (prompt) { let result; return await (async () => { ";

export function snippetModule(code: string): string {
  return `${SNIPPET_PREFIX}${code}\n;return result; })(); }\n`;
}
