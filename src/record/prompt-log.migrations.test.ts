import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  adoptLegacy,
  appliedMigrations,
  migrateFrom,
  schemaBuiltBy,
  schemaOf,
} from "../../test/support/workerd/migrations";
import type { PromptLog } from "./prompt-log";
import { PROMPT_LOG_MIGRATIONS as LIST } from "./prompt-log.migrations";

const fresh = () => env.PROMPT_LOG.get(env.PROMPT_LOG.newUniqueId());
const ALL = LIST.map((m) => m.version);

/** The constructors before migrations, copied as they were: deployed objects were made by them. */
const OLD_CONSTRUCTORS = {
  /** 19c5b00 to dfa3753. */
  runTable(sql: SqlStorage) {
    sql.exec(
      `CREATE TABLE IF NOT EXISTS run (
         seq INTEGER PRIMARY KEY AUTOINCREMENT,
         prompt TEXT NOT NULL,
         hash TEXT NOT NULL,
         status INTEGER NOT NULL,
         duration_ms REAL NOT NULL,
         at TEXT NOT NULL
       )`,
    );
  },
  /** dfa3753 until migrations. */
  runIdsAndRecords(sql: SqlStorage) {
    sql.exec(
      `CREATE TABLE IF NOT EXISTS run (
         seq INTEGER PRIMARY KEY AUTOINCREMENT,
         prompt TEXT NOT NULL,
         hash TEXT NOT NULL,
         status INTEGER NOT NULL,
         duration_ms REAL NOT NULL,
         at TEXT NOT NULL
       )`,
    );
    const columns = new Set(
      sql
        .exec<{ name: string }>("PRAGMA table_info(run)")
        .toArray()
        .map((c) => c.name),
    );
    for (const [name, type] of [
      ["id", "TEXT"],
      ["outcome", "TEXT"],
      ["cold", "INTEGER"],
      ["detail", "TEXT"],
    ] as const) {
      if (!columns.has(name)) sql.exec(`ALTER TABLE run ADD COLUMN ${name} ${type}`);
    }
    sql.exec("CREATE UNIQUE INDEX IF NOT EXISTS run_id ON run (id)");
  },
};

/** Runs as version 1 wrote them (no id, outcome, cold or record). */
function insertVersion1Runs(sql: SqlStorage) {
  const insert = "INSERT INTO run (prompt, hash, status, duration_ms, at) VALUES (?, ?, ?, ?, ?)";
  sql.exec(insert, "first", "a".repeat(64), 200, 12.5, "2026-11-01T10:00:00.000Z");
  sql.exec(insert, "second", "b".repeat(64), 500, 3, "2026-11-01T10:01:00.000Z");
}

const VERSION_1_ENTRIES = [
  {
    id: null,
    prompt: "second",
    hash: "b".repeat(64),
    status: 500,
    outcome: "error",
    durationMs: 3,
    cold: null,
    at: "2026-11-01T10:01:00.000Z",
  },
  {
    id: null,
    prompt: "first",
    hash: "a".repeat(64),
    status: 200,
    outcome: "ok",
    durationMs: 12.5,
    cold: null,
    at: "2026-11-01T10:00:00.000Z",
  },
];

const LOGGED = { level: "log", message: "hi", at: 1 } as const;

/** A run as version 2 wrote it (PromptLog.record, then attachTrace). */
function insertVersion2Run(sql: SqlStorage) {
  sql.exec(
    "INSERT INTO run (id, prompt, hash, status, outcome, duration_ms, cold, at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "run-2",
    "third",
    "c".repeat(64),
    200,
    "ok",
    7,
    1,
    "2026-11-01T10:02:00.000Z",
    JSON.stringify({
      console: { logs: [LOGGED], exceptions: [], truncated: false },
      error: null,
      egress: [{ method: "GET", host: "api.example.test", path: "/", status: 200, durationMs: 4, blocked: false }],
    }),
  );
}

const VERSION_2_ENTRY = {
  id: "run-2",
  prompt: "third",
  hash: "c".repeat(64),
  status: 200,
  outcome: "ok",
  durationMs: 7,
  cold: true,
  at: "2026-11-01T10:02:00.000Z",
};

const VERSION_2_RECORD = {
  ...VERSION_2_ENTRY,
  console: { logs: [LOGGED], exceptions: [], truncated: false },
  consoleReady: true,
  egress: [{ method: "GET", host: "api.example.test", path: "/", status: 200, durationMs: 4, blocked: false }],
  error: null,
};

/** What the current code does with a migrated log: record a run and read it back. */
async function expectWorking(log: PromptLog) {
  const entry = {
    id: "run-new",
    prompt: "new",
    hash: "d".repeat(64),
    status: 200,
    outcome: "ok",
    durationMs: 1,
    cold: false,
    at: "2026-11-02T00:00:00.000Z",
  } as const;
  await log.record([{ entry, error: null, console: null }]);
  expect(log.list()[0]).toEqual(entry);
  expect(log.get("run-new")).toMatchObject({ ...entry, consoleReady: false, egress: [], error: null });
}

/** Per migration: rows as the version before it wrote them, and what must read back after it. */
const STEPS: Record<number, { seed(sql: SqlStorage): void; check(log: PromptLog, sql: SqlStorage): Promise<void> }> = {
  1: {
    seed() {},
    async check(log) {
      expect(log.list()).toEqual([]);
      await expectWorking(log);
    },
  },
  2: {
    seed: insertVersion1Runs,
    async check(log, sql) {
      expect(sql.exec("SELECT prompt, id, outcome, cold, detail FROM run ORDER BY seq").toArray()).toEqual([
        { prompt: "first", id: null, outcome: null, cold: null, detail: null },
        { prompt: "second", id: null, outcome: null, cold: null, detail: null },
      ]);
      expect(log.list()).toEqual(VERSION_1_ENTRIES);
      await expectWorking(log);
      expect(log.list().slice(1)).toEqual(VERSION_1_ENTRIES);
      // The unique index came with the ids: NULLs of old runs may repeat, ids may not.
      expect(() => insertVersion2Run(sql)).not.toThrow();
      expect(() => insertVersion2Run(sql)).toThrow(/UNIQUE/);
    },
  },
};

describe("PromptLog migrations", () => {
  it.each(LIST)("migration $version ($name) keeps what the version before it wrote", async (migration) => {
    const step = STEPS[migration.version];
    if (!step) throw new Error(`migration ${migration.version} needs a step in STEPS`);
    await runInDurableObject(fresh(), async (log, state) => {
      const expected = await schemaBuiltBy(state.storage, OLD_CONSTRUCTORS.runIdsAndRecords);
      migrateFrom(state.storage, LIST, migration.version, step.seed, expected);
      await step.check(log, state.storage.sql);
    });
  });

  it.each([
    {
      constructor: "the first constructor (run table only)",
      create: OLD_CONSTRUCTORS.runTable,
      seed: insertVersion1Runs,
      check: (log: PromptLog) => expect(log.list()).toEqual(VERSION_1_ENTRIES),
    },
    {
      constructor: "the last constructor (run ids and records)",
      create: OLD_CONSTRUCTORS.runIdsAndRecords,
      seed(sql: SqlStorage) {
        // Its rows from before ids sat beside the new ones.
        insertVersion1Runs(sql);
        insertVersion2Run(sql);
      },
      check(log: PromptLog) {
        expect(log.list()).toEqual([VERSION_2_ENTRY, ...VERSION_1_ENTRIES]);
        expect(log.get("run-2")).toEqual(VERSION_2_RECORD);
      },
    },
  ])("adopts an object made by $constructor, without losing a row", async ({ create, seed, check }) => {
    await runInDurableObject(fresh(), async (log, state) => {
      const expected = await schemaBuiltBy(state.storage, OLD_CONSTRUCTORS.runIdsAndRecords);
      adoptLegacy(state.storage, LIST, create, seed, expected);
      check(log);
      await expectWorking(log);
    });
  });

  it("starts afresh after its alarm: deleteAll takes the applied versions too, and the alarm migrates again", async () => {
    const expected = await runInDurableObject(fresh(), (_log, state) =>
      schemaBuiltBy(state.storage, OLD_CONSTRUCTORS.runIdsAndRecords),
    );
    const stub = fresh();
    await runInDurableObject(stub, (log) => expectWorking(log));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    // The same instance: what it has now, its alarm built.
    await runInDurableObject(stub, (log, state) => {
      expect(log.list()).toEqual([]);
      expect(appliedMigrations(state.storage).map((m) => m.version)).toEqual(ALL);
      expect(schemaOf(state.storage.sql)).toEqual(expected);
    });
    await runInDurableObject(stub, (log) => expectWorking(log));
  });
});
