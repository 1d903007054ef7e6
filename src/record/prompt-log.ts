import { DurableObject } from "cloudflare:workers";
import { HISTORY_SIZE } from "../config/limits";
import type { Env } from "../env";
import type { HistoryEntry } from "./history-entry";

export type { HistoryEntry };

/** One visitor's recent runs, newest first; one object per visitor. */
export class PromptLog extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS run (
         seq INTEGER PRIMARY KEY AUTOINCREMENT,
         prompt TEXT NOT NULL,
         hash TEXT NOT NULL,
         status INTEGER NOT NULL,
         duration_ms REAL NOT NULL,
         at TEXT NOT NULL
       )`,
    );
  }

  record(entry: HistoryEntry): void {
    const sql = this.ctx.storage.sql;
    sql.exec(
      "INSERT INTO run (prompt, hash, status, duration_ms, at) VALUES (?, ?, ?, ?, ?)",
      entry.prompt,
      entry.hash,
      entry.status,
      entry.durationMs,
      entry.at,
    );
    sql.exec("DELETE FROM run WHERE seq NOT IN (SELECT seq FROM run ORDER BY seq DESC LIMIT ?)", HISTORY_SIZE);
  }

  list(): HistoryEntry[] {
    return this.ctx.storage.sql
      .exec<{ prompt: string; hash: string; status: number; duration_ms: number; at: string }>(
        "SELECT prompt, hash, status, duration_ms, at FROM run ORDER BY seq DESC LIMIT ?",
        HISTORY_SIZE,
      )
      .toArray()
      .map((row) => ({
        prompt: row.prompt,
        hash: row.hash,
        status: row.status,
        durationMs: row.duration_ms,
        at: row.at,
      }));
  }

  clear(): void {
    this.ctx.storage.sql.exec("DELETE FROM run");
  }
}
