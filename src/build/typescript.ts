import { transform } from "sucrase";
import { ApiError } from "../base/errors";
import { type Compiled, PROGRAM_MODULE, type Program, SNIPPET_PREFIX, snippetModule } from "../base/program";
import { trimSourceMap } from "./source-map";

/**
 * One-file TypeScript, module or snippet: types are stripped by sucrase, which keeps every line
 * where it was; its source map gives back the columns the stripped types moved. No bundling, no
 * WebAssembly.
 */
export function compileTypeScript(program: Program): Compiled {
  const snippet = program.mode === "snippet";
  const source = snippet ? snippetModule(program.code) : program.code;
  try {
    const { code, sourceMap } = transform(source, {
      transforms: ["typescript"],
      disableESTransforms: true,
      filePath: snippet ? "snippet.ts" : "index.ts",
      sourceMapOptions: { compiledFilename: PROGRAM_MODULE },
    });
    return {
      mainModule: PROGRAM_MODULE,
      modules: { [PROGRAM_MODULE]: code },
      ...(sourceMap ? { sourceMap: trimSourceMap(JSON.stringify(sourceMap)) } : {}),
    };
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    const message = error instanceof Error ? error.message.replace(/\s*\(\d+:\d+\)$/, "") : String(error);
    if (!loc) throw new ApiError("compile_error", `TypeScript: ${message}`);
    // A snippet's first line follows our wrapper on the same line.
    const column = snippet && loc.line === 1 ? loc.column - SNIPPET_PREFIX.length : loc.column;
    const file = snippet ? "snippet" : "index.ts";
    throw new ApiError("compile_error", `${file}:${loc.line}:${column}: ${message}`, {
      location: { file, line: loc.line, column },
    });
  }
}
