import { addColumnIfMissing, type Migration } from "../base/migrations";

/** PromptLog's schema, oldest first. Append only: deployed objects are at any of these versions. */
export const PROMPT_LOG_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "create run table",
    // IF NOT EXISTS: objects from before migrations already have it.
    up(sql) {
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
  },
  {
    version: 2,
    name: "add run ids and records",
    // Older rows keep NULLs and stay in the history.
    up(sql) {
      addColumnIfMissing(sql, "run", "id", "TEXT");
      addColumnIfMissing(sql, "run", "outcome", "TEXT");
      addColumnIfMissing(sql, "run", "cold", "INTEGER");
      addColumnIfMissing(sql, "run", "detail", "TEXT");
      sql.exec("CREATE UNIQUE INDEX IF NOT EXISTS run_id ON run (id)");
    },
  },
];
