import * as bundler from "@cloudflare/worker-bundler";
import { ApiError } from "../base/errors";
import type { Compiled, Program } from "../base/program";
import { installDependencies } from "./npm-install";
import { checkRelativeImports } from "./relative-imports";
import { takeInlineSourceMap } from "./source-map";

/** The default npm registry; NPM_REGISTRY points elsewhere (a mirror, or the tests' own). */
export const NPM_REGISTRY = "https://registry.npmjs.org";

interface BuildMessage {
  text: string;
  location?: { file: string; line: number; column: number } | null;
}

/**
 * A multi-file program, with the npm packages its package.json names, bundled by the platform's own
 * @cloudflare/worker-bundler (esbuild-wasm inside the Worker). Runs once, at submit time.
 *
 * The packages are installed first by our own installer (npm-install.ts: only the registry's host,
 * names checked, every byte and the time bounded), into node_modules/ beside the program's files; the
 * bundler finds each one there and fetches nothing itself.
 */
export async function bundleFiles(program: Program, registry: string): Promise<Compiled> {
  const files = { ...program.files };
  await checkRelativeImports(files);
  // wrangler.prod.jsonc aliases the bundler to no-bundler.ts: refuse there before installing anything.
  if ("BUNDLER_UNAVAILABLE" in bundler) await bundler.createWorker({ files });
  const installed = await installDependencies(files, { registry });
  let result: Awaited<ReturnType<typeof bundler.createWorker>>;
  try {
    result = await bundler.createWorker({
      files: { ...installed, ...files },
      ...(program.main ? { entryPoint: program.main } : {}),
      registry,
      loader: { ".txt": "text", ".md": "text" },
      sourcemap: true,
    });
  } catch (error) {
    if (error instanceof ApiError) throw error;
    throw buildError(error);
  }
  const failed = (result.warnings ?? [])
    .map((warning) => /^Failed to install (\S+?): (.*)$/s.exec(warning))
    .find(Boolean);
  if (failed) {
    throw new ApiError(
      "dependency_unavailable",
      `The npm package ${failed[1]} could not be installed from ${registry}: ${failed[2]}`,
      { package: failed[1] },
    );
  }
  const modules = textModules(result.modules);
  const main = takeInlineSourceMap(modules[result.mainModule] ?? "");
  return {
    mainModule: result.mainModule,
    modules: { ...modules, [result.mainModule]: main.code },
    ...(main.sourceMap ? { sourceMap: main.sourceMap } : {}),
  };
}

function textModules(modules: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, module] of Object.entries(modules)) {
    if (typeof module !== "string") {
      throw new ApiError("compile_error", `The build produced ${name}, a module kind this playground does not store.`);
    }
    out[name] = module;
  }
  return out;
}

/** esbuild's first error, in the user's terms: which file, line and column, and what is missing. */
function buildError(error: unknown): ApiError {
  const messages = (error as { errors?: BuildMessage[] }).errors ?? [];
  const first = messages[0];
  if (!first)
    return new ApiError("compile_error", `The build failed: ${error instanceof Error ? error.message : String(error)}`);
  const location = first.location
    ? {
        file: first.location.file.replace(/^virtual:/, ""),
        line: first.location.line,
        column: first.location.column + 1,
      }
    : null;
  const where = location ? `${location.file}:${location.line}:${location.column}: ` : "";
  const unresolved = /^Could not resolve "([^"]+)"/.exec(first.text);
  if (unresolved?.[1]) {
    const specifier = unresolved[1];
    const relative = specifier.startsWith(".") || specifier.startsWith("/");
    const hint = relative
      ? `no file ${specifier} next to ${location?.file ?? "the importing file"} among the files`
      : `add "${specifier}" to the dependencies in package.json`;
    return new ApiError("import_not_found", `${where}Cannot resolve import "${specifier}": ${hint}.`, {
      specifier,
      location,
    });
  }
  return new ApiError("compile_error", `${where}${first.text}`, { location });
}
