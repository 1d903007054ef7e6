import { DurableObject } from "cloudflare:workers";
import { migrate } from "../base/migrations";
import type { Compiled, Program } from "../base/program";
import type { Mode } from "../base/schemas";
import { hashProgram } from "./hash";
import { PROGRAM_STORE_MIGRATIONS } from "./program-store.migrations";

/**
 * Programs live in 256 Durable Objects, picked by the hash's two leading hex digits: writes
 * are strongly consistent and durable, and load spreads over many objects instead of funnelling
 * through one. Not one object per program: locally, workerd keeps every object it has touched in
 * memory (about 0.3 MB each, measured), which a sweep of thousands of programs cannot afford.
 */
export class ProgramStore extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage, PROGRAM_STORE_MIGRATIONS);
  }

  /** Stores the program once; a second put of the same hash leaves the first copy untouched. */
  put(hash: string, program: Program): { created: boolean } {
    const source =
      program.language || program.files
        ? JSON.stringify({ language: program.language, files: program.files, main: program.main })
        : null;
    const cursor = this.ctx.storage.sql.exec(
      "INSERT INTO program (hash, mode, code, network, source, compiled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING",
      hash,
      program.mode,
      program.code,
      program.network ? 1 : 0,
      source,
      program.compiled ? JSON.stringify(program.compiled) : null,
      Date.now(),
    );
    return { created: cursor.rowsWritten > 0 };
  }

  get(hash: string): Program | null {
    const row = this.ctx.storage.sql
      .exec<{ mode: Mode; code: string; network: number; source: string | null; compiled: string | null }>(
        "SELECT mode, code, network, source, compiled FROM program WHERE hash = ?",
        hash,
      )
      .toArray()[0];
    if (!row) return null;
    const extra = row.source ? (JSON.parse(row.source) as Pick<Program, "language" | "files" | "main">) : {};
    return {
      mode: row.mode,
      code: row.code,
      ...(row.network ? { network: true } : {}),
      ...(extra.language ? { language: extra.language } : {}),
      ...(extra.files ? { files: extra.files, main: extra.main } : {}),
      ...(row.compiled ? { compiled: JSON.parse(row.compiled) as Compiled } : {}),
    };
  }
}

/** One shard per two leading hex digits. Changing that moves programs: it needs a migration. */
export function shardName(hash: string): string {
  return `programs-${hash.slice(0, 2)}`;
}

function storeFor(env: Env, hash: string) {
  return env.PROGRAMS.get(env.PROGRAMS.idFromName(shardName(hash)));
}

/** Stores a program under the hash the caller computed from it; this isolate keeps it verified. */
export async function saveProgram(env: Env, hash: string, program: Program) {
  const saved = await storeFor(env, hash).put(hash, program);
  keep(hash, program);
  return saved;
}

/**
 * Programs loaded and verified by this isolate, most recently used last. A program never changes
 * under its hash, so a warm run needs no store read; only what was checked against its hash is kept.
 */
const VERIFIED_CACHE_SIZE = 2_000;
const verified = new Map<string, Program>();

/**
 * Loads a program and re-checks it against its address, so a damaged or tampered row is never run
 * under a hash it does not have.
 */
export async function loadProgram(env: Env, hash: string): Promise<Program | null> {
  const cached = verified.get(hash);
  if (cached) {
    verified.delete(hash);
    verified.set(hash, cached);
    return cached;
  }
  const stored = await storeFor(env, hash).get(hash);
  if (!stored) return null;
  // The hash covers the source; what was built from it is not part of the address.
  if ((await hashProgram(stored)) !== hash) {
    throw new Error(`stored program ${hash} does not match its hash`);
  }
  keep(hash, stored);
  return stored;
}

function keep(hash: string, program: Program) {
  verified.set(hash, program);
  if (verified.size > VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value ?? "");
}
