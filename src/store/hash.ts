import type { Program } from "../base/program";

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

/** The program's content address: the full SHA-256 of its canonical form, as 64 hex characters. */
export async function hashProgram(program: Program): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalForm(program)));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
