import { formatBytes, utf8Bytes } from "../base/bytes";
import { ApiError } from "../base/errors";
import { CODE_FILE } from "../base/file-paths";
import type { Program } from "../base/program";
import { MAX_CODE_BYTES, MAX_FILES } from "../config/limits";
import type { SubmitRequest } from "../validate/schemas";
import { detectMode } from "./detect-mode";

/** Entry points tried, in order, when a multi-file program names no `main` (as wrangler would). */
const DEFAULT_MAINS = ["src/index.ts", "src/index.js", "index.ts", "index.js"];

/** The program a submit describes, before it is built: one file (`code`) or several (`files`). */
export async function programSource(body: SubmitRequest): Promise<Program> {
  const network = body.network ? { network: true } : {};
  if (body.files !== undefined) {
    if (body.code !== undefined) throw invalid("Send either code (one file) or files (several), not both.");
    if (body.mode === "snippet") throw invalid("A multi-file program is a module: snippets are one file (code).");
    if (body.language !== undefined) throw invalid("language applies to code; files say theirs by extension.");
    const paths = Object.keys(body.files);
    if (paths.length === 0) throw invalid("files must name at least one file.");
    if (paths.length > MAX_FILES) throw invalid(`A program has at most ${MAX_FILES} files.`);
    const size = paths.reduce((total, path) => total + utf8Bytes(path) + utf8Bytes(body.files?.[path] ?? ""), 0);
    if (size > MAX_CODE_BYTES)
      throw new ApiError("code_too_large", `The files are larger than ${formatBytes(MAX_CODE_BYTES)} in all.`);
    const main = body.main ?? DEFAULT_MAINS.find((path) => path in (body.files ?? {}));
    if (!main) throw invalid(`Name the entry point as main (no ${DEFAULT_MAINS.join(", ")} among the files).`);
    if (!(main in body.files)) throw invalid(`main names ${main}, which is not among the files.`);
    if (!CODE_FILE.test(main)) throw invalid(`main must be a code file (.ts, .tsx, .js, .mjs, .jsx), not ${main}.`);
    return { mode: "module", code: "", files: body.files, main, ...network };
  }
  if (body.code === undefined) throw invalid("Send the program as code (one file) or files (several).");
  if (body.main !== undefined) throw invalid("main applies to files.");
  if (utf8Bytes(body.code) > MAX_CODE_BYTES) {
    throw new ApiError("code_too_large", `The code is larger than ${formatBytes(MAX_CODE_BYTES)}.`);
  }
  return {
    mode: body.mode ?? (await detectMode(body.code)),
    code: body.code,
    ...(body.language === "ts" ? { language: "ts" as const } : {}),
    ...network,
  };
}

function invalid(message: string): ApiError {
  return new ApiError("invalid_request", message);
}
