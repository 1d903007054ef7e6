import { canonicalForm, type Program } from "./program";

/** The program's content address: the full SHA-256 of its canonical form, as 64 hex characters. */
export async function hashProgram(program: Program): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(canonicalForm(program)));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
