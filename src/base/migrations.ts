/**
 * Numbered schema migrations for SQLite-backed Durable Objects. Applied versions are kept in a
 * table because Durable Object SQLite does not allow PRAGMA user_version.
 */
export interface Migration {
  /** 1 for the first, then one more for each; never renumbered once deployed. */
  readonly version: number;
  /** What the migration does, e.g. "add program network column". */
  readonly name: string;
  up(sql: SqlStorage): void;
}

/** Where applied versions are kept, one row each. */
export const MIGRATIONS_TABLE = "schema_migrations";
const TABLE = MIGRATIONS_TABLE;

/**
 * Brings the object's database up to the last migration of the list. Each migration runs in one
 * transaction with its bookkeeping row, so a failure leaves neither behind. Versions recorded
 * beyond the list (the code was rolled back) are left alone: migrations only add.
 */
export function migrate(storage: DurableObjectStorage, migrations: readonly Migration[]): void {
  checkNumbering(migrations);
  const sql = storage.sql;
  sql.exec(`CREATE TABLE IF NOT EXISTS ${TABLE} (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const applied = new Set(
    sql
      .exec<{ version: number }>(`SELECT version FROM ${TABLE}`)
      .toArray()
      .map((row) => row.version),
  );
  for (const migration of migrations) {
    if (applied.has(migration.version)) continue;
    storage.transactionSync(() => {
      migration.up(sql);
      sql.exec(
        `INSERT INTO ${TABLE} (version, name, applied_at) VALUES (?, ?, ?)`,
        migration.version,
        migration.name,
        Date.now(),
      );
    });
  }
}

/**
 * Adds a column unless the table has it: objects created before migrations existed got their
 * columns from constructors, with no record of which.
 */
export function addColumnIfMissing(sql: SqlStorage, table: string, column: string, definition: string): void {
  const present = sql
    .exec<{ name: string }>(`PRAGMA table_info(${table})`)
    .toArray()
    .some((row) => row.name === column);
  if (!present) sql.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${definition}`);
}

function checkNumbering(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration "${migration.name}" is number ${migration.version} at position ${index + 1}: migrations are numbered 1..n in order, without gaps or repeats`,
      );
    }
  });
}
