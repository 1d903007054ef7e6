import type { Migration } from "../../base/migrations";

/** ProgramData's schema, oldest first. Append only: deployed objects are at any of these versions. */
export const PROGRAM_DATA_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "create kv table",
    // IF NOT EXISTS: objects from before migrations already have it.
    up(sql) {
      sql.exec("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, bytes INTEGER NOT NULL)");
    },
  },
];
