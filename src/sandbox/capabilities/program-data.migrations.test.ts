import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { adoptLegacy, migrateFrom, schemaBuiltBy } from "../../../test/support/workerd/migrations";
import type { ProgramData } from "./program-data";
import { PROGRAM_DATA_MIGRATIONS as LIST } from "./program-data.migrations";

const fresh = () => env.PROGRAM_DATA.get(env.PROGRAM_DATA.newUniqueId());

/** The constructor before migrations, copied as it was: deployed objects were made by it. */
function oldConstructor(sql: SqlStorage) {
  sql.exec("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, bytes INTEGER NOT NULL)");
}

/** Keys as version 1 (apply's put) wrote them: bytes count key and value. */
function insertVersion1Keys(sql: SqlStorage) {
  sql.exec("INSERT INTO kv (key, value, bytes) VALUES (?, ?, ?)", "b", '{"n":2}', 8);
  sql.exec("INSERT INTO kv (key, value, bytes) VALUES (?, ?, ?)", "a", '"one"', 6);
}

/** What the current code does with migrated data: put, read, list, delete. */
function expectWorking(data: ProgramData) {
  expect(data.apply({ op: "put", key: "new", value: "[1]" }, "test-run")).toEqual({});
  expect(data.apply({ op: "get", key: "new" }, "test-run")).toEqual({ value: "[1]" });
  expect(data.apply({ op: "delete", key: "new" }, "test-run")).toEqual({});
  expect(data.apply({ op: "get", key: "new" }, "test-run")).toEqual({ value: null });
}

/** Per migration: rows as the version before it wrote them, and what must read back after it. */
const STEPS: Record<number, { seed(sql: SqlStorage): void; check(data: ProgramData): void }> = {
  1: {
    seed() {},
    check(data) {
      expect(data.apply({ op: "list" }, "test-run")).toEqual({ keys: [] });
      expectWorking(data);
    },
  },
};

describe("ProgramData migrations", () => {
  it.each(LIST)("migration $version ($name) keeps what the version before it wrote", async (migration) => {
    const step = STEPS[migration.version];
    if (!step) throw new Error(`migration ${migration.version} needs a step in STEPS`);
    await runInDurableObject(fresh(), async (data, state) => {
      const expected = await schemaBuiltBy(state.storage, oldConstructor);
      migrateFrom(state.storage, LIST, migration.version, step.seed, expected);
      step.check(data);
    });
  });

  it("adopts an object made by the old constructor, its keys kept", async () => {
    await runInDurableObject(fresh(), async (data, state) => {
      const expected = await schemaBuiltBy(state.storage, oldConstructor);
      adoptLegacy(state.storage, LIST, oldConstructor, insertVersion1Keys, expected);
      expect(data.apply({ op: "list" }, "test-run")).toEqual({ keys: ["a", "b"] });
      expect(data.apply({ op: "get", key: "b" }, "test-run")).toEqual({ value: '{"n":2}' });
      expectWorking(data);
    });
  });
});
