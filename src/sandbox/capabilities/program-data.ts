import { DurableObject } from "cloudflare:workers";
import { utf8Bytes } from "../../base/bytes";
import { migrate } from "../../base/migrations";
import { STORE_MAX_BYTES, STORE_MAX_CALLS_PER_RUN, STORE_MAX_KEYS, STORE_MAX_VALUE_BYTES } from "../../config/limits";
import { PROGRAM_DATA_MIGRATIONS } from "./program-data.migrations";
import { type StoreOp, StoreQuotaError } from "./store-api";

const REMEMBERED_RUNS = 1_000;

/** One program's key-value data: one object per program hash, so no program can name another's. */
export class ProgramData extends DurableObject<Env> {
  /**
   * Calls per run, most recent runs last. In memory: a run's calls come within its seconds, while
   * this one object (one per program) is alive; a run id long gone is forgotten.
   */
  readonly #calls = new Map<string, number>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage, PROGRAM_DATA_MIGRATIONS);
  }

  #count(runId: string): void {
    const calls = (this.#calls.get(runId) ?? 0) + 1;
    if (calls > STORE_MAX_CALLS_PER_RUN) {
      throw new StoreQuotaError(`STORE allows at most ${STORE_MAX_CALLS_PER_RUN} calls per run.`);
    }
    this.#calls.delete(runId);
    this.#calls.set(runId, calls);
    if (this.#calls.size > REMEMBERED_RUNS) this.#calls.delete(this.#calls.keys().next().value ?? "");
  }

  /** Values travel as JSON text: what a program stores is what it reads back. */
  apply(request: StoreOp, runId: string): { value?: string | null; keys?: string[] } {
    this.#count(runId);
    const sql = this.ctx.storage.sql;
    switch (request.op) {
      case "get": {
        const row = sql.exec<{ value: string }>("SELECT value FROM kv WHERE key = ?", request.key).toArray()[0];
        return { value: row?.value ?? null };
      }
      case "list":
        return {
          keys: sql
            .exec<{ key: string }>("SELECT key FROM kv ORDER BY key")
            .toArray()
            .map((row) => row.key),
        };
      case "delete":
        sql.exec("DELETE FROM kv WHERE key = ?", request.key);
        return {};
      case "put": {
        const bytes = utf8Bytes(request.key) + utf8Bytes(request.value);
        if (utf8Bytes(request.value) > STORE_MAX_VALUE_BYTES) {
          throw new StoreQuotaError(`STORE values are at most ${STORE_MAX_VALUE_BYTES / 1024} KiB as JSON.`);
        }
        const totals = sql
          .exec<{ keys: number; bytes: number | null }>(
            "SELECT count(*) AS keys, sum(bytes) AS bytes FROM kv WHERE key != ?",
            request.key,
          )
          .one();
        if (totals.keys + 1 > STORE_MAX_KEYS) {
          throw new StoreQuotaError(`STORE holds at most ${STORE_MAX_KEYS} keys per program; delete some first.`);
        }
        if ((totals.bytes ?? 0) + bytes > STORE_MAX_BYTES) {
          throw new StoreQuotaError(
            `STORE holds at most ${STORE_MAX_BYTES / 1024 / 1024} MiB per program; delete some first.`,
          );
        }
        sql.exec("INSERT OR REPLACE INTO kv (key, value, bytes) VALUES (?, ?, ?)", request.key, request.value, bytes);
        return {};
      }
    }
  }
}

export function programDataFor(env: Env, hash: string) {
  return env.PROGRAM_DATA.get(env.PROGRAM_DATA.idFromName(hash));
}
