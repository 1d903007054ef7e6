import type { Mode } from "../validate/schemas";

/** A stored program: what is hashed, stored and loaded. */
export interface Program {
  readonly mode: Mode;
  readonly code: string;
  /** Opted in to the operator's egress policy: its fetch() goes through our gateway. */
  readonly network?: boolean;
}

/**
 * The exact bytes the hash covers. Keys are written in a fixed order so the same program always
 * serialises the same way; later fields (files, egress options) extend this object.
 */
export function canonicalForm(program: Program): string {
  // Options appear only when set, so every program without them keeps the hash it always had.
  return JSON.stringify({ code: program.code, mode: program.mode, ...(program.network ? { network: true } : {}) });
}
