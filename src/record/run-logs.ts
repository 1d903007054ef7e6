import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env";
import type { RunConsole } from "./console-capture";
import { KeyedWaiters } from "./waiters";

/** Unclaimed consoles are dropped after this: the recorder claims them within seconds. */
const KEEP_MS = 10 * 60 * 1000;

/**
 * A mailbox between the tail, which learns what a run printed, and the recorder, which writes the
 * run's record into its visitor's PromptLog. Neither knows the other: the run id is the address.
 * Sharded like the program store, by the id's leading hex digits.
 */
export class RunLogMailbox extends DurableObject<Env> {
  private readonly waiting = new KeyedWaiters<RunConsole>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS console (run_id TEXT PRIMARY KEY, body TEXT NOT NULL, at INTEGER NOT NULL)",
    );
  }

  put(runId: string, console: RunConsole): void {
    if (this.waiting.deliver(runId, console)) return;
    const now = Date.now();
    this.ctx.storage.sql.exec("DELETE FROM console WHERE at < ?", now - KEEP_MS);
    this.ctx.storage.sql.exec(
      "INSERT OR REPLACE INTO console (run_id, body, at) VALUES (?, ?, ?)",
      runId,
      JSON.stringify(console),
      now,
    );
  }

  /** The run's console, waiting up to waitMs for it to arrive; null if it never does. */
  async take(runId: string, waitMs: number): Promise<RunConsole | null> {
    const row = this.ctx.storage.sql
      .exec<{ body: string }>("SELECT body FROM console WHERE run_id = ?", runId)
      .toArray()[0];
    if (row) {
      this.ctx.storage.sql.exec("DELETE FROM console WHERE run_id = ?", runId);
      return JSON.parse(row.body) as RunConsole;
    }
    return this.waiting.wait(runId, waitMs);
  }
}

export function mailboxFor(env: Env, runId: string) {
  return env.RUN_LOGS.get(env.RUN_LOGS.idFromName(`run-logs-${runId.slice(0, 2)}`));
}
