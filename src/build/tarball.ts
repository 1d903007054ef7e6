import { Gunzip } from "fflate";
import { ApiError } from "../base/errors";
import { type ByteBudget, countedChunks } from "./byte-budget";
import type { Deadline } from "./deadline";
import { TarError, TarReader } from "./tar-reader";

/**
 * Compressed bytes handed to gunzip at a time. Deflate expands a byte to at most about 1,032, so no
 * step of gunzip makes more than about 1 MiB before the unpacked count sees it. (workerd's
 * DecompressionStream is not used: it inflates whatever is written at once, into an unbounded queue,
 * whether or not anyone reads, so a 100 KB bomb written whole is 100 MiB of memory before the first read.)
 */
const SLICE = 1024;

/** The files the bundler keeps of a package (as @cloudflare/worker-bundler's own installer): text only. */
const TEXT_EXTENSIONS = [
  ".js",
  ".mjs",
  ".cjs",
  ".ts",
  ".mts",
  ".cts",
  ".tsx",
  ".jsx",
  ".json",
  ".md",
  ".txt",
  ".css",
  ".html",
  ".yml",
  ".yaml",
  ".toml",
  ".xml",
  ".svg",
  ".map",
];
const TEXT_NAMES = ["LICENSE", "README", "CHANGELOG", "PACKAGE.JSON", "TSCONFIG.JSON", ".NPMIGNORE", ".GITIGNORE"];

export function isTextFile(path: string): boolean {
  const name = (path.split("/").pop() ?? "").toUpperCase();
  if (TEXT_NAMES.some((prefix) => name.startsWith(prefix))) return true;
  const lower = path.toLowerCase();
  return TEXT_EXTENSIONS.some((extension) => lower.endsWith(extension));
}

/**
 * A tarball entry's path inside its package: npm's first directory (`package/`) stripped, `.` and empty
 * segments dropped. Null for the root itself. A path that would leave the package (`..`, absolute,
 * backslashes, a drive) refuses the whole package: no npm tarball has one.
 */
export function packagePath(path: string, pkg: string): string | null {
  if (path.startsWith("/") || /[\\\0]/.test(path) || /^[a-z]:/i.test(path) || path.split("/").includes("..")) {
    throw new ApiError(
      "dependency_rejected",
      `The tarball of ${pkg} has an entry outside its package (${JSON.stringify(path.slice(0, 200))}): it is not installed.`,
      { package: pkg, reason: "tarball" },
    );
  }
  const segments = path.split("/").filter((segment) => segment !== "" && segment !== ".");
  return segments.length > 1 ? segments.slice(1).join("/") : null;
}

export interface TarballBudgets {
  readonly compressed: ByteBudget;
  readonly unpacked: ByteBudget;
  readonly deadline: Deadline;
}

/**
 * The text files of a package's tarball (.tgz), by their path inside the package, read as `body`
 * streams: compressed bytes counted as they arrive, gunzipped a slice at a time, unpacked bytes counted
 * as gunzip makes them, the tar read as it goes. The first limit passed stops everything and cancels
 * the body; nothing is ever held but the files kept.
 */
export async function unpackTarball(
  body: ReadableStream<Uint8Array>,
  pkg: string,
  { compressed, unpacked, deadline }: TarballBudgets,
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const decoder = new TextDecoder();
  const tar = new TarReader({
    wants(entry) {
      const path = packagePath(entry.path, pkg);
      if (path === null || !isTextFile(path)) return false;
      if (entry.size > unpacked.max) throw unpacked.exceeded(pkg);
      return true;
    },
    file(entry, content) {
      const path = packagePath(entry.path, pkg);
      if (path !== null) files.set(path, decoder.decode(content));
    },
  });
  const gunzip = new Gunzip((data) => {
    unpacked.take(data.length, pkg);
    tar.push(data);
  });
  const unpack = (data: Uint8Array, final: boolean) => {
    try {
      for (let offset = 0; offset < data.length && !tar.ended; offset += SLICE) {
        gunzip.push(data.subarray(offset, offset + SLICE));
      }
      if (final && !tar.ended) {
        gunzip.push(new Uint8Array(0), true);
        tar.end();
      }
    } catch (error) {
      if (error instanceof ApiError) throw error;
      const why = error instanceof TarError ? error.message : "it is not gzip data";
      throw new ApiError("dependency_rejected", `The tarball of ${pkg} cannot be read: ${why}.`, {
        package: pkg,
        reason: "tarball",
      });
    }
  };
  for await (const chunk of countedChunks(body, compressed, pkg, deadline)) {
    unpack(chunk, false);
    if (tar.ended) break; // what follows the archive's end is not read
  }
  unpack(new Uint8Array(0), true);
  return files;
}
