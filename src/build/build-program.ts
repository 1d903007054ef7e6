import { formatBytes, utf8Bytes } from "../base/bytes";
import { ApiError } from "../base/errors";
import type { Program } from "../base/program";
import { MAX_BUILT_BYTES } from "../config/limits";
import { bundleFiles, NPM_REGISTRY } from "./bundle-files";
import { compileTypeScript } from "./typescript";

/** TypeScript and multi-file programs are built; plain one-file JavaScript runs as written. */
export function needsBuild(source: Program): boolean {
  return source.files !== undefined || source.language === "ts";
}

/**
 * Builds what the loader runs, once, at submit time: one-file TypeScript is stripped of its types,
 * several files are bundled with their npm dependencies; plain JavaScript runs as it is.
 */
export async function buildProgram(env: Pick<Env, "NPM_REGISTRY">, source: Program): Promise<Program> {
  if (!needsBuild(source)) return source;
  const compiled = source.files
    ? await bundleFiles(source, env.NPM_REGISTRY || NPM_REGISTRY)
    : compileTypeScript(source);
  const size = Object.values(compiled.modules).reduce((total, module) => total + utf8Bytes(module), 0);
  if (size > MAX_BUILT_BYTES) {
    throw new ApiError(
      "code_too_large",
      `The built program (with its dependencies) is ${formatBytes(size)}, over ${formatBytes(MAX_BUILT_BYTES)}.`,
    );
  }
  return { ...source, compiled };
}
