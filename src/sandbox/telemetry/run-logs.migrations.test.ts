import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adoptLegacy, migrateFrom, schemaBuiltBy } from "../../../test/support/workerd/migrations";
import type { EgressEntry, RunConsole } from "../../base/answers";
import type { RunLogMailbox } from "./run-logs";
import { RUN_LOGS_MIGRATIONS as LIST } from "./run-logs.migrations";

const fresh = () => env.RUN_LOGS.get(env.RUN_LOGS.newUniqueId());

/** The constructor before migrations, copied as it was: deployed mailboxes were made by it. */
function oldConstructor(sql: SqlStorage) {
  sql.exec("CREATE TABLE IF NOT EXISTS console (run_id TEXT PRIMARY KEY, body TEXT NOT NULL, at INTEGER NOT NULL)");
  sql.exec(
    "CREATE TABLE IF NOT EXISTS egress (seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL)",
  );
}

const CONSOLE: RunConsole = { logs: [{ level: "log", message: "kept", at: 1 }], exceptions: [], truncated: false };
const EGRESS: [EgressEntry, EgressEntry] = [
  { method: "GET", host: "api.example.test", path: "/a", status: 200, durationMs: 3, blocked: false },
  { method: "POST", host: "elsewhere.test", path: "/", status: 403, durationMs: 0, blocked: true },
];

/** A trace as version 1 (putConsole, appendEgress) left it, waiting to be taken. */
function insertVersion1Trace(sql: SqlStorage, runId: string) {
  const now = Date.now();
  sql.exec("INSERT INTO console (run_id, body, at) VALUES (?, ?, ?)", runId, JSON.stringify(CONSOLE), now);
  for (const entry of EGRESS) {
    sql.exec("INSERT INTO egress (run_id, body, at) VALUES (?, ?, ?)", runId, JSON.stringify(entry), now);
  }
}

/** What the current code does with a migrated mailbox: leave a trace and take it. */
async function expectWorking(mailbox: RunLogMailbox) {
  mailbox.appendEgress("new-run", EGRESS[0]);
  mailbox.putConsole("new-run", CONSOLE);
  expect(await mailbox.take("new-run", 0)).toEqual({ console: CONSOLE, egress: [EGRESS[0]] });
}

/** Per migration: rows as the version before it wrote them, and what must read back after it. */
const STEPS: Record<number, { seed(sql: SqlStorage): void; check(mailbox: RunLogMailbox): Promise<void> }> = {
  1: {
    seed() {},
    check: expectWorking,
  },
};

describe("RunLogMailbox migrations", () => {
  it.each(LIST)("migration $version ($name) keeps what the version before it wrote", async (migration) => {
    const step = STEPS[migration.version];
    if (!step) throw new Error(`migration ${migration.version} needs a step in STEPS`);
    await runInDurableObject(fresh(), async (mailbox, state) => {
      const expected = await schemaBuiltBy(state.storage, oldConstructor);
      migrateFrom(state.storage, LIST, migration.version, step.seed, expected);
      await step.check(mailbox);
    });
  });

  it("adopts a mailbox made by the old constructor, traces waiting in it kept", async () => {
    await runInDurableObject(fresh(), async (mailbox, state) => {
      const expected = await schemaBuiltBy(state.storage, oldConstructor);
      adoptLegacy(state.storage, LIST, oldConstructor, (sql) => insertVersion1Trace(sql, "old-run"), expected);
      expect(await mailbox.take("old-run", 0)).toEqual({ console: CONSOLE, egress: EGRESS });
      await expectWorking(mailbox);
    });
  });
});
