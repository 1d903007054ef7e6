import { DurableObject } from "cloudflare:workers";
import type { EgressEntry, HistoryEntry, Outcome, RunConsole, RunRecord } from "../base/answers";
import { migrate } from "../base/migrations";
import { HISTORY_RETENTION_DAYS, HISTORY_SIZE } from "../config/limits";
import { EMPTY_CONSOLE } from "../sandbox/telemetry/console-capture";
import { PROMPT_LOG_MIGRATIONS } from "./prompt-log.migrations";

type Row = {
  id: string | null;
  prompt: string;
  hash: string;
  status: number;
  outcome: string | null;
  duration_ms: number;
  cold: number | null;
  at: string;
  detail: string | null;
};

interface Detail {
  console: RunConsole | null;
  egress?: EgressEntry[];
  error: RunRecord["error"];
}

const DAY_MS = 86_400_000;

/** One run as the app records it. */
export interface NewRun {
  readonly entry: HistoryEntry;
  readonly error: RunRecord["error"];
  readonly console: RunConsole | null;
  readonly egress?: EgressEntry[];
}

/** One visitor's recent runs, newest first, with each run's full record; one object per visitor. */
export class PromptLog extends DurableObject<Env> {
  /** When this history ends, as this instance last set it (a new instance sets it afresh). */
  #end: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage, PROMPT_LOG_MIGRATIONS);
  }

  /**
   * Records runs once they have answered, with their console and egress when they are known (else
   * they follow through attachTrace). The app sends a visitor's runs in batches (history.ts): one
   * request and one storage commit for many runs. A run moves the object's end to
   * HISTORY_RETENTION_DAYS from now.
   */
  async record(runs: readonly NewRun[]): Promise<void> {
    const sql = this.ctx.storage.sql;
    for (const { entry, error, console, egress = [] } of runs) {
      const detail: Detail = { console, egress, error };
      sql.exec(
        "INSERT INTO run (id, prompt, hash, status, outcome, duration_ms, cold, at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        entry.id,
        entry.prompt,
        entry.hash,
        entry.status,
        entry.outcome,
        entry.durationMs,
        entry.cold === null ? null : Number(entry.cold),
        entry.at,
        JSON.stringify(detail),
      );
    }
    // Newest by when the run started, not when its record came: a run's record waits for its console,
    // so two runs one after another can be written in either order.
    sql.exec("DELETE FROM run WHERE seq NOT IN (SELECT seq FROM run ORDER BY at DESC, seq DESC LIMIT ?)", HISTORY_SIZE);
    // Moving the end once a day is enough (a history ends 30 to 31 days after its last run), and
    // spares most runs a second storage write.
    const end = Date.now() + HISTORY_RETENTION_DAYS * DAY_MS;
    if (this.#end === null || end - this.#end > DAY_MS) {
      await this.ctx.storage.setAlarm(end);
      this.#end = end;
    }
  }

  /** No run for HISTORY_RETENTION_DAYS: the visitor's history goes, and with it the object's storage. */
  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
    this.#end = null;
    // The same object may be asked for again (the visitor comes back): it starts empty.
    // deleteAll drops the tables and the applied versions with them, so every migration runs again.
    migrate(this.ctx.storage, PROMPT_LOG_MIGRATIONS);
  }

  /**
   * The run's console and egress, once the runtime has reported them; `late` when the run turned out
   * to pass a limit after it had answered (its waitUntil), which becomes its outcome.
   */
  attachTrace(
    id: string,
    console: RunConsole,
    egress: EgressEntry[],
    late: { error: NonNullable<RunRecord["error"]>; outcome: Outcome } | null = null,
  ): void {
    const row = this.ctx.storage.sql
      .exec<{ detail: string | null; outcome: string | null }>("SELECT detail, outcome FROM run WHERE id = ?", id)
      .toArray()[0];
    if (!row) return;
    const detail = JSON.parse(row.detail ?? "{}") as Detail;
    this.ctx.storage.sql.exec(
      "UPDATE run SET detail = ?, outcome = ? WHERE id = ?",
      JSON.stringify({ ...detail, console, egress, ...(late ? { error: late.error } : {}) }),
      late?.outcome ?? row.outcome,
      id,
    );
  }

  list(): HistoryEntry[] {
    return this.ctx.storage.sql
      .exec<Row>("SELECT * FROM run ORDER BY at DESC, seq DESC LIMIT ?", HISTORY_SIZE)
      .toArray()
      .map(toEntry);
  }

  /** The full record of one of this visitor's runs; null for any id that is not theirs. */
  get(id: string): RunRecord | null {
    const row = this.ctx.storage.sql.exec<Row>("SELECT * FROM run WHERE id = ?", id).toArray()[0];
    if (!row) return null;
    const detail = JSON.parse(row.detail ?? "{}") as Partial<Detail>;
    return {
      ...toEntry(row),
      console: detail.console ?? EMPTY_CONSOLE,
      consoleReady: detail.console != null,
      egress: detail.egress ?? [],
      error: detail.error ?? null,
    };
  }

  clear(): void {
    this.ctx.storage.sql.exec("DELETE FROM run");
  }
}

function toEntry(row: Row): HistoryEntry {
  return {
    id: row.id,
    prompt: row.prompt,
    hash: row.hash,
    status: row.status,
    outcome: (row.outcome ?? (row.status < 400 ? "ok" : "error")) as Outcome,
    durationMs: row.duration_ms,
    cold: row.cold === null ? null : row.cold === 1,
    at: row.at,
  };
}
