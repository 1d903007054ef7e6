import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import type { Mode } from "../validate/schemas";
import { hashProgram } from "./hash";
import type { Program } from "./program";

/**
 * One Durable Object per program, addressed by its hash: writes are strongly consistent and
 * durable, and the store grows with the number of programs instead of funnelling through one object.
 */
export class ProgramStore extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS program (
         hash TEXT PRIMARY KEY,
         mode TEXT NOT NULL,
         code TEXT NOT NULL,
         created_at INTEGER NOT NULL
       )`,
    );
  }

  /** Stores the program once; a second put of the same hash leaves the first copy untouched. */
  put(hash: string, program: Program): { created: boolean } {
    const cursor = this.ctx.storage.sql.exec(
      "INSERT INTO program (hash, mode, code, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING",
      hash,
      program.mode,
      program.code,
      Date.now(),
    );
    return { created: cursor.rowsWritten > 0 };
  }

  get(hash: string): Program | null {
    const row = this.ctx.storage.sql
      .exec<{ mode: Mode; code: string }>("SELECT mode, code FROM program WHERE hash = ?", hash)
      .toArray()[0];
    return row ? { mode: row.mode, code: row.code } : null;
  }
}

function storeFor(env: Env, hash: string) {
  return env.PROGRAMS.get(env.PROGRAMS.idFromName(hash));
}

export async function saveProgram(env: Env, hash: string, program: Program) {
  return storeFor(env, hash).put(hash, program);
}

/**
 * Loads a program and re-checks it against its address, so a damaged or tampered row is never run
 * under a hash it does not have.
 */
export async function loadProgram(env: Env, hash: string): Promise<Program | null> {
  const stored = await storeFor(env, hash).get(hash);
  if (!stored) return null;
  const program: Program = { mode: stored.mode, code: stored.code };
  if ((await hashProgram(program)) !== hash) {
    throw new Error(`stored program ${hash} does not match its hash`);
  }
  return program;
}
