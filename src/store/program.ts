import type { Mode } from "../validate/schemas";

/** A stored program: what is hashed, stored and loaded. */
export interface Program {
  readonly mode: Mode;
  readonly code: string;
}

/**
 * The exact bytes the hash covers. Keys are written in a fixed order so the same program always
 * serialises the same way; later fields (files, egress options) extend this object.
 */
export function canonicalForm(program: Program): string {
  return JSON.stringify({ code: program.code, mode: program.mode });
}
