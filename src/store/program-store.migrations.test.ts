import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adoptLegacy, migrateFrom, schemaBuiltBy } from "../../test/support/workerd/migrations";
import type { ProgramStore } from "./program-store";
import { PROGRAM_STORE_MIGRATIONS as LIST } from "./program-store.migrations";

const fresh = () => env.PROGRAMS.get(env.PROGRAMS.newUniqueId());

const CREATE_PROGRAM = `CREATE TABLE IF NOT EXISTS program (
         hash TEXT PRIMARY KEY,
         mode TEXT NOT NULL,
         code TEXT NOT NULL,
         created_at INTEGER NOT NULL
       )`;

/** The constructors before migrations, copied as they were: deployed shards were made by them. */
const OLD_CONSTRUCTORS = {
  /** 19c5b00 to 2263c57. */
  programTable(sql: SqlStorage) {
    sql.exec(CREATE_PROGRAM);
  },
  /** 2263c57 to 0ce8982. */
  network(sql: SqlStorage) {
    sql.exec(CREATE_PROGRAM);
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(program)").toArray();
    if (!columns.some((column) => column.name === "network")) {
      sql.exec("ALTER TABLE program ADD COLUMN network INTEGER NOT NULL DEFAULT 0");
    }
  },
  /** 0ce8982 until migrations. */
  sourceAndCompiled(sql: SqlStorage) {
    sql.exec(CREATE_PROGRAM);
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(program)").toArray();
    if (!columns.some((column) => column.name === "network")) {
      sql.exec("ALTER TABLE program ADD COLUMN network INTEGER NOT NULL DEFAULT 0");
    }
    if (!columns.some((column) => column.name === "source")) {
      sql.exec("ALTER TABLE program ADD COLUMN source TEXT");
      sql.exec("ALTER TABLE program ADD COLUMN compiled TEXT");
    }
  },
};

const V1 = "1".repeat(64);
const V2_NETWORK = "2".repeat(64);
const V2_PLAIN = "3".repeat(64);
const V3_TYPESCRIPT = "4".repeat(64);

/** A program as version 1 wrote it. */
function insertVersion1Program(sql: SqlStorage) {
  sql.exec(
    "INSERT INTO program (hash, mode, code, created_at) VALUES (?, ?, ?, ?)",
    V1,
    "snippet",
    "return 1;",
    1_700_000_000_000,
  );
}

/** Programs as version 2 wrote them, with and without network. */
function insertVersion2Programs(sql: SqlStorage) {
  const insert = "INSERT INTO program (hash, mode, code, network, created_at) VALUES (?, ?, ?, ?, ?)";
  sql.exec(insert, V2_NETWORK, "module", "export default {}", 1, 1_700_000_000_001);
  sql.exec(insert, V2_PLAIN, "snippet", "return 2;", 0, 1_700_000_000_002);
}

const COMPILED = { mainModule: "main.js", modules: { "main.js": "export default {}" } };

/** A TypeScript program as version 3 (ProgramStore.put) wrote it. */
function insertVersion3Program(sql: SqlStorage) {
  sql.exec(
    "INSERT INTO program (hash, mode, code, network, source, compiled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    V3_TYPESCRIPT,
    "module",
    "export default {} satisfies object;",
    0,
    JSON.stringify({ language: "ts" }),
    JSON.stringify(COMPILED),
    1_700_000_000_003,
  );
}

/** What the current code does with a migrated shard: store a program with every field, read it back. */
function expectWorking(store: ProgramStore) {
  const program = {
    mode: "module",
    code: "",
    network: true,
    files: { "main.ts": "export default {}" },
    main: "main.ts",
    compiled: COMPILED,
  } as const;
  expect(store.put("f".repeat(64), program)).toEqual({ created: true });
  expect(store.get("f".repeat(64))).toEqual(program);
}

/** Per migration: rows as the version before it wrote them, and what must read back after it. */
const STEPS: Record<number, { seed(sql: SqlStorage): void; check(store: ProgramStore, sql: SqlStorage): void }> = {
  1: {
    seed() {},
    check(store) {
      expect(store.get(V1)).toBeNull();
      expectWorking(store);
    },
  },
  2: {
    seed: insertVersion1Program,
    check(store, sql) {
      expect(sql.exec("SELECT hash, network, source, compiled, created_at FROM program").toArray()).toEqual([
        { hash: V1, network: 0, source: null, compiled: null, created_at: 1_700_000_000_000 },
      ]);
      expect(store.get(V1)).toEqual({ mode: "snippet", code: "return 1;" });
      expectWorking(store);
    },
  },
  3: {
    seed: insertVersion2Programs,
    check(store, sql) {
      expect(sql.exec("SELECT hash, network, source, compiled FROM program ORDER BY hash").toArray()).toEqual([
        { hash: V2_NETWORK, network: 1, source: null, compiled: null },
        { hash: V2_PLAIN, network: 0, source: null, compiled: null },
      ]);
      expect(store.get(V2_NETWORK)).toEqual({ mode: "module", code: "export default {}", network: true });
      expect(store.get(V2_PLAIN)).toEqual({ mode: "snippet", code: "return 2;" });
      expectWorking(store);
    },
  },
};

describe("ProgramStore migrations", () => {
  it.each(LIST)("migration $version ($name) keeps what the version before it wrote", async (migration) => {
    const step = STEPS[migration.version];
    if (!step) throw new Error(`migration ${migration.version} needs a step in STEPS`);
    await runInDurableObject(fresh(), async (store, state) => {
      const expected = await schemaBuiltBy(state.storage, OLD_CONSTRUCTORS.sourceAndCompiled);
      migrateFrom(state.storage, LIST, migration.version, step.seed, expected);
      step.check(store, state.storage.sql);
    });
  });

  it.each([
    {
      constructor: "the first constructor (program table only)",
      create: OLD_CONSTRUCTORS.programTable,
      seed: insertVersion1Program,
      check(store: ProgramStore) {
        expect(store.get(V1)).toEqual({ mode: "snippet", code: "return 1;" });
      },
    },
    {
      constructor: "the network constructor",
      create: OLD_CONSTRUCTORS.network,
      seed(sql: SqlStorage) {
        insertVersion2Programs(sql);
      },
      check(store: ProgramStore) {
        expect(store.get(V2_NETWORK)).toEqual({ mode: "module", code: "export default {}", network: true });
        expect(store.get(V2_PLAIN)).toEqual({ mode: "snippet", code: "return 2;" });
      },
    },
    {
      constructor: "the last constructor (source and compiled)",
      create: OLD_CONSTRUCTORS.sourceAndCompiled,
      seed(sql: SqlStorage) {
        insertVersion2Programs(sql);
        insertVersion3Program(sql);
      },
      check(store: ProgramStore) {
        expect(store.get(V2_NETWORK)).toEqual({ mode: "module", code: "export default {}", network: true });
        expect(store.get(V3_TYPESCRIPT)).toEqual({
          mode: "module",
          code: "export default {} satisfies object;",
          language: "ts",
          compiled: COMPILED,
        });
      },
    },
  ])("adopts a shard made by $constructor, without losing a row", async ({ create, seed, check }) => {
    await runInDurableObject(fresh(), async (store, state) => {
      const expected = await schemaBuiltBy(state.storage, OLD_CONSTRUCTORS.sourceAndCompiled);
      const count = (sql: SqlStorage) => sql.exec<{ n: number }>("SELECT count(*) AS n FROM program").one().n;
      let before = -1;
      const seedAndCount = (sql: SqlStorage) => {
        seed(sql);
        before = count(sql);
      };
      adoptLegacy(state.storage, LIST, create, seedAndCount, expected);
      expect(count(state.storage.sql)).toBe(before);
      check(store);
      expectWorking(store);
    });
  });
});
