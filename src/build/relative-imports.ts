import { init, parse } from "es-module-lexer/js";
import { ApiError } from "../base/errors";
import { CODE_FILE } from "../base/file-paths";

/** What a relative import may leave out, tried in order, as esbuild resolves them. */
const SUFFIXES = ["", ".ts", ".tsx", ".js", ".mjs", ".jsx", ".json", "/index.ts", "/index.tsx", "/index.js"];

/**
 * Every relative import of every code file must name one of the files: the bundler would leave a
 * missing one as an external import that fails only when the program loads, far from its cause.
 */
export async function checkRelativeImports(files: Readonly<Record<string, string>>): Promise<void> {
  await init;
  for (const [path, source] of Object.entries(files)) {
    if (!CODE_FILE.test(path)) continue;
    let imports: ReturnType<typeof parse>[0];
    try {
      [imports] = parse(source, path);
    } catch {
      continue; // a syntax error: the bundler reports it with its position
    }
    for (const entry of imports) {
      const specifier = "specifier" in entry ? entry.specifier : undefined;
      if (!specifier?.startsWith(".")) continue;
      if (SUFFIXES.some((suffix) => resolve(path, specifier + suffix) in files)) continue;
      const before = source.slice(0, entry.start);
      const line = before.split("\n").length;
      const column = entry.start - before.lastIndexOf("\n");
      throw new ApiError(
        "import_not_found",
        `${path}:${line}:${column}: Cannot resolve import "${specifier}": no file ${resolve(path, specifier)} among the files.`,
        { specifier, location: { file: path, line, column } },
      );
    }
  }
}

/** A relative specifier against the importing file's folder, as a path among the files. */
function resolve(from: string, specifier: string): string {
  const parts = from.split("/").slice(0, -1);
  for (const segment of specifier.split("/")) {
    if (segment === "..") parts.pop();
    else if (segment !== "." && segment !== "") parts.push(segment);
  }
  return parts.join("/");
}
