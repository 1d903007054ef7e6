import { expect } from "vitest";
import { MIGRATIONS_TABLE, type Migration, migrate } from "../../../src/base/migrations";

/** What the migration tests read of a Durable Object's database: its bookkeeping and its schema. */

/** The versions applied to this object's database, in order. */
export function appliedMigrations(storage: DurableObjectStorage): { version: number; name: string }[] {
  const exists = storage.sql
    .exec(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`, MIGRATIONS_TABLE)
    .toArray().length;
  if (!exists) return [];
  return storage.sql
    .exec<{ version: number; name: string }>(`SELECT version, name FROM ${MIGRATIONS_TABLE} ORDER BY version`)
    .toArray();
}

/**
 * The database's tables and indexes as their CREATE statements, whitespace collapsed, without the
 * bookkeeping table or workerd's own: what tells two databases' schemas apart.
 */
export function schemaOf(sql: SqlStorage): string[] {
  return sql
    .exec<{ sql: string }>(
      `SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name != ? AND substr(name, 1, 4) != '_cf_' ORDER BY name`,
      MIGRATIONS_TABLE,
    )
    .toArray()
    .map((row) => row.sql.replace(/\s+/g, " "));
}

/** The schema `build` leaves in an emptied database; the database is emptied again after. */
export async function schemaBuiltBy(
  storage: DurableObjectStorage,
  build: (sql: SqlStorage) => void,
): Promise<string[]> {
  await storage.deleteAll();
  build(storage.sql);
  const schema = schemaOf(storage.sql);
  await storage.deleteAll();
  return schema;
}

/**
 * One migration's test: the database as the version before it left it (`seed` writes that
 * version's rows), then the whole list; every version must be applied and the schema be `expected`.
 */
export function migrateFrom(
  storage: DurableObjectStorage,
  list: readonly Migration[],
  version: number,
  seed: (sql: SqlStorage) => void,
  expected: string[],
): void {
  migrate(storage, list.slice(0, version - 1));
  seed(storage.sql);
  expectMigrated(storage, list, expected);
}

/** An object built by an old constructor (no bookkeeping), then migrated: the same checks. */
export function adoptLegacy(
  storage: DurableObjectStorage,
  list: readonly Migration[],
  create: (sql: SqlStorage) => void,
  seed: (sql: SqlStorage) => void,
  expected: string[],
): void {
  create(storage.sql);
  seed(storage.sql);
  expectMigrated(storage, list, expected);
}

function expectMigrated(storage: DurableObjectStorage, list: readonly Migration[], expected: string[]): void {
  migrate(storage, list);
  expect(appliedMigrations(storage)).toEqual(list.map(({ version, name }) => ({ version, name })));
  expect(schemaOf(storage.sql)).toEqual(expected);
}
