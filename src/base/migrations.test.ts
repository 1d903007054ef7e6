import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { appliedMigrations, schemaOf } from "../../test/support/workerd/migrations";
import { addColumnIfMissing, type Migration, migrate } from "./migrations";

/** Runs fn in a fresh SQLite-backed object wiped of its own schema: the runner needs any database. */
async function inEmptyObject<T>(fn: (storage: DurableObjectStorage) => T | Promise<T>): Promise<T> {
  const stub = env.PROGRAM_DATA.get(env.PROGRAM_DATA.newUniqueId());
  return runInDurableObject(stub, async (_instance, state) => {
    await state.storage.deleteAll();
    return fn(state.storage);
  });
}

function tableNames(sql: SqlStorage): string[] {
  return sql
    .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, 4) != '_cf_'")
    .toArray()
    .map((row) => row.name)
    .sort();
}

const counting = () => {
  const runs: number[] = [];
  const list: Migration[] = [
    {
      version: 1,
      name: "create a",
      up(sql) {
        runs.push(1);
        sql.exec("CREATE TABLE a (x INTEGER)");
      },
    },
    {
      version: 2,
      name: "add a.y",
      up(sql) {
        runs.push(2);
        sql.exec("ALTER TABLE a ADD COLUMN y TEXT");
      },
    },
  ];
  return { runs, list };
};

describe("migrate", () => {
  it("applies every migration once, in order, and records each; a second call applies nothing", async () => {
    await inEmptyObject((storage) => {
      const { runs, list } = counting();
      migrate(storage, list);
      expect(runs).toEqual([1, 2]);
      const recorded = storage.sql
        .exec<{ version: number; name: string; applied_at: number }>("SELECT * FROM schema_migrations ORDER BY version")
        .toArray();
      expect(recorded.map(({ version, name }) => ({ version, name }))).toEqual([
        { version: 1, name: "create a" },
        { version: 2, name: "add a.y" },
      ]);
      for (const row of recorded) expect(row.applied_at).toBeGreaterThan(0);

      migrate(storage, list);
      expect(runs).toEqual([1, 2]);
      expect(storage.sql.exec("SELECT * FROM schema_migrations ORDER BY version").toArray()).toEqual(recorded);
    });
  });

  it("applies only the migrations a database lacks", async () => {
    await inEmptyObject((storage) => {
      const { runs, list } = counting();
      migrate(storage, list.slice(0, 1));
      storage.sql.exec("INSERT INTO a (x) VALUES (7)");
      migrate(storage, list);
      expect(runs).toEqual([1, 2]);
      expect(storage.sql.exec("SELECT x, y FROM a").toArray()).toEqual([{ x: 7, y: null }]);
      expect(appliedMigrations(storage)).toEqual([
        { version: 1, name: "create a" },
        { version: 2, name: "add a.y" },
      ]);
    });
  });

  it("leaves versions beyond its list alone (code rolled back behind its database)", async () => {
    await inEmptyObject((storage) => {
      const { runs, list } = counting();
      migrate(storage, list);
      migrate(storage, list.slice(0, 1));
      expect(runs).toEqual([1, 2]);
      expect(appliedMigrations(storage).map((m) => m.version)).toEqual([1, 2]);
    });
  });

  it("refuses a list not numbered 1..n, before touching the database", async () => {
    const up = () => {
      throw new Error("must not run");
    };
    const lists: Migration[][] = [
      [
        { version: 1, name: "one", up },
        { version: 3, name: "three", up },
      ],
      [
        { version: 1, name: "one", up },
        { version: 1, name: "one again", up },
      ],
      [
        { version: 2, name: "two", up },
        { version: 1, name: "one", up },
      ],
      [{ version: 0, name: "zero", up }],
    ];
    await inEmptyObject((storage) => {
      for (const list of lists) {
        expect(() => migrate(storage, list)).toThrow(/numbered 1\.\.n/);
      }
      expect(tableNames(storage.sql)).toEqual([]);
    });
  });

  it("rolls a failing migration back whole: no bookkeeping row, no partial schema; earlier ones stay", async () => {
    await inEmptyObject((storage) => {
      const { list } = counting();
      const failing: Migration = {
        version: 3,
        name: "create b, then fail",
        up(sql) {
          sql.exec("CREATE TABLE b (z TEXT)");
          sql.exec("INSERT INTO b (z) VALUES ('half')");
          sql.exec("ALTER TABLE a ADD COLUMN w TEXT");
          throw new Error("migration 3 failed");
        },
      };
      expect(() => migrate(storage, [...list, failing])).toThrow("migration 3 failed");
      expect(appliedMigrations(storage).map((m) => m.version)).toEqual([1, 2]);
      expect(tableNames(storage.sql)).toEqual(["a", "schema_migrations"]);
      expect(schemaOf(storage.sql)).toEqual(["CREATE TABLE a (x INTEGER, y TEXT)"]);
    });
  });

  it("rolls back a migration that fails in SQL", async () => {
    await inEmptyObject((storage) => {
      const broken: Migration = {
        version: 1,
        name: "create c, then bad SQL",
        up(sql) {
          sql.exec("CREATE TABLE c (x INTEGER)");
          sql.exec("ALTER TABLE missing ADD COLUMN y TEXT");
        },
      };
      expect(() => migrate(storage, [broken])).toThrow(/no such table/);
      expect(appliedMigrations(storage)).toEqual([]);
      expect(tableNames(storage.sql)).toEqual(["schema_migrations"]);
    });
  });

  // PromptLog's alarm relies on this: after deleteAll the whole list must run again.
  it("deleteAll drops every table, the bookkeeping one too, so migrating again rebuilds everything", async () => {
    await inEmptyObject(async (storage) => {
      const { runs, list } = counting();
      migrate(storage, list);
      storage.sql.exec("INSERT INTO a (x) VALUES (1)");
      await storage.deleteAll();
      expect(tableNames(storage.sql)).toEqual([]);
      expect(appliedMigrations(storage)).toEqual([]);
      migrate(storage, list);
      expect(runs).toEqual([1, 2, 1, 2]);
      expect(storage.sql.exec("SELECT count(*) AS n FROM a").one()).toEqual({ n: 0 });
    });
  });
});

describe("addColumnIfMissing", () => {
  it("adds a column once and leaves an existing one, with its values, alone", async () => {
    await inEmptyObject((storage) => {
      const sql = storage.sql;
      sql.exec("CREATE TABLE t (x INTEGER)");
      sql.exec("INSERT INTO t (x) VALUES (1)");
      addColumnIfMissing(sql, "t", "n", "INTEGER NOT NULL DEFAULT 5");
      sql.exec("UPDATE t SET n = 9");
      addColumnIfMissing(sql, "t", "n", "INTEGER NOT NULL DEFAULT 5");
      expect(sql.exec("SELECT x, n FROM t").toArray()).toEqual([{ x: 1, n: 9 }]);
      expect(schemaOf(sql)).toEqual(["CREATE TABLE t (x INTEGER, n INTEGER NOT NULL DEFAULT 5)"]);
    });
  });
});
