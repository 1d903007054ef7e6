import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import { PROGRAM_MODULE, type Program, SNIPPET_PREFIX } from "../base/program";

export interface SourceLocation {
  /** The user's file, for a program given as several files; one-file programs have just one. */
  readonly file?: string;
  readonly line: number;
  readonly column: number;
}

/** A position in a module the isolate ran, in the user's terms; `user` if it is in their own code. */
interface Mapped extends SourceLocation {
  readonly name: string;
  readonly user: boolean;
}

/** Our own modules beside the user's code, and npm packages bundled in, are not the user's lines. */
const NOT_USERS = /^node_modules\//;

/**
 * Positions in a program's stack traces and load errors, in the user's own terms: built programs
 * map back through the source map kept with them (stripped types, bundled files); a snippet's first
 * line shares its line with our wrapper's prefix, so only columns on line 1 move.
 */
class Positions {
  readonly pattern: RegExp;
  readonly #program: Program;
  readonly #lines: number;
  /** Several files bundled into one module (one-file programs keep the name program.js). */
  readonly #bundled: boolean;
  #map: TraceMap | undefined;

  constructor(program: Program) {
    this.#program = program;
    this.#lines = program.code.split("\n").length;
    this.#bundled = program.compiled !== undefined && program.compiled.mainModule !== PROGRAM_MODULE;
    const modules = new Set([PROGRAM_MODULE, program.compiled?.mainModule ?? PROGRAM_MODULE]);
    const names = [...modules].map((name) => name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")).join("|");
    // Not preceded by a name character, so "myprogram.js:1:2" is not taken for "program.js:1:2".
    this.pattern = new RegExp(`(?<![\\w.-])(${names}):(\\d+):(\\d+)`, "g");
  }

  /** `column` counts from 1, as stack traces and editors do. */
  map(module: string, line: number, column: number): Mapped {
    const { compiled } = this.#program;
    if (compiled?.sourceMap && module === compiled.mainModule) {
      this.#map ??= new TraceMap(compiled.sourceMap);
      const original = originalPositionFor(this.#map, { line, column: column - 1 });
      if (original.source === null) return { name: module, line, column, user: false };
      if (this.#bundled) {
        const file = original.source;
        return { name: file, file, line: original.line, column: original.column + 1, user: !NOT_USERS.test(file) };
      }
      return this.#oneFile(original.line, original.column + 1);
    }
    if (this.#bundled) return { name: module, line, column, user: false };
    return this.#oneFile(line, column);
  }

  #oneFile(line: number, column: number): Mapped {
    const snippetLineOne = this.#program.mode === "snippet" && line === 1;
    return {
      name: PROGRAM_MODULE,
      line,
      column: snippetLineOne ? Math.max(1, column - SNIPPET_PREFIX.length) : column,
      // A snippet's last line, after the user's, is our wrapper's.
      user: line <= this.#lines,
    };
  }
}

/**
 * Stack traces count columns from 1; the positions workerd gives for a syntax error count from 0.
 * Users get columns from 1, as their editor shows them.
 */
function fromOne(text: string): number {
  return /^(?:Uncaught )?SyntaxError\b/.test(text) ? 1 : 0;
}

/**
 * A runtime message or stack in the user's terms: every position rewritten to their file, line and
 * column, and `location`, the first of them in their own code (where the error happened).
 */
export function inUserTerms(program: Program, text: string): { text: string; location?: SourceLocation } {
  const positions = new Positions(program);
  const shift = fromOne(text);
  let location: SourceLocation | undefined;
  const rewritten = text.replace(positions.pattern, (_, module: string, line: string, column: string) => {
    const mapped = positions.map(module, Number(line), Number(column) + shift);
    if (mapped.user && !location) {
      location = mapped.file
        ? { file: mapped.file, line: mapped.line, column: mapped.column }
        : { line: mapped.line, column: mapped.column };
    }
    return `${mapped.name}:${mapped.line}:${mapped.column}`;
  });
  return location ? { text: rewritten, location } : { text: rewritten };
}
