import { DurableObject } from "cloudflare:workers";
import type { EgressEntry, RunConsole } from "../../base/answers";
import { migrate } from "../../base/migrations";
import { KeyedWaiters } from "../../base/waiters";
import type { RunTrace } from "../sandbox";
import { RUN_LOGS_MIGRATIONS } from "./run-logs.migrations";
import { isUntraced, type TraceSink } from "./trace-sink";

/** Unclaimed traces are dropped after this: the recorder claims them within seconds. */
const KEEP_MS = 10 * 60 * 1000;

/**
 * A mailbox between what watches a run (the tail, for its console; the egress gateway, for its
 * outbound requests) and the recorder, which writes the run's record into its visitor's PromptLog.
 * Neither side knows the other: the run id is the address. Sharded by the id's leading hex digits.
 */
export class RunLogMailbox extends DurableObject<Env> {
  private readonly waiting = new KeyedWaiters<RunConsole>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage, RUN_LOGS_MIGRATIONS);
  }

  putConsole(runId: string, console: RunConsole): void {
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

  appendEgress(runId: string, entry: EgressEntry): void {
    const now = Date.now();
    this.ctx.storage.sql.exec("DELETE FROM egress WHERE at < ?", now - KEEP_MS);
    this.ctx.storage.sql.exec(
      "INSERT INTO egress (run_id, body, at) VALUES (?, ?, ?)",
      runId,
      JSON.stringify(entry),
      now,
    );
  }

  /** The run's trace; its console waited for up to waitMs, null if it never arrives. */
  async take(runId: string, waitMs: number): Promise<RunTrace> {
    const sql = this.ctx.storage.sql;
    const egress = sql
      .exec<{ body: string }>("SELECT body FROM egress WHERE run_id = ? ORDER BY seq", runId)
      .toArray()
      .map((row) => JSON.parse(row.body) as EgressEntry);
    sql.exec("DELETE FROM egress WHERE run_id = ?", runId);
    const row = sql.exec<{ body: string }>("SELECT body FROM console WHERE run_id = ?", runId).toArray()[0];
    if (row) {
      sql.exec("DELETE FROM console WHERE run_id = ?", runId);
      return { console: JSON.parse(row.body) as RunConsole, egress };
    }
    return { console: await this.waiting.wait(runId, waitMs), egress };
  }
}

export function mailboxFor(env: Env, runId: string) {
  return env.RUN_LOGS.get(env.RUN_LOGS.idFromName(`run-logs-${runId.slice(0, 2)}`));
}

/** Traces kept in the mailbox shard of their run. */
export function mailboxSink(env: Env): TraceSink {
  return {
    // A run nobody will ask about costs the mailbox no write.
    putConsole: (runId, console) => (isUntraced(runId) ? undefined : mailboxFor(env, runId).putConsole(runId, console)),
    appendEgress: (runId, entry) => (isUntraced(runId) ? undefined : mailboxFor(env, runId).appendEgress(runId, entry)),
  };
}
