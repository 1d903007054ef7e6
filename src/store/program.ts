import type { Language, Mode } from "../validate/schemas";

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

/**
 * The exact bytes the hash covers. Keys are written in a fixed order so the same program always
 * serialises the same way; files are sorted by path, so their order in a request never matters.
 */
export function canonicalForm(program: Program): string {
  const network = program.network ? { network: true } : {};
  if (program.files) {
    const files = Object.fromEntries(
      Object.keys(program.files)
        .sort()
        .map((path) => [path, program.files?.[path]]),
    );
    return JSON.stringify({ files, main: program.main, mode: program.mode, ...network });
  }
  // Options appear only when set, so every program without them keeps the hash it always had.
  const language = program.language === "ts" ? { language: "ts" } : {};
  return JSON.stringify({ code: program.code, ...language, mode: program.mode, ...network });
}
