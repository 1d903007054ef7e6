import { addColumnIfMissing, type Migration } from "../base/migrations";

/** ProgramStore's schema, oldest first. Append only: deployed shards are at any of these versions. */
export const PROGRAM_STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "create program table",
    // IF NOT EXISTS: shards from before migrations already have it.
    up(sql) {
      sql.exec(
        `CREATE TABLE IF NOT EXISTS program (
           hash TEXT PRIMARY KEY,
           mode TEXT NOT NULL,
           code TEXT NOT NULL,
           created_at INTEGER NOT NULL
         )`,
      );
    },
  },
  {
    version: 2,
    name: "add program network column",
    up(sql) {
      addColumnIfMissing(sql, "program", "network", "INTEGER NOT NULL DEFAULT 0");
    },
  },
  {
    version: 3,
    name: "add program source and compiled columns",
    // TypeScript and multi-file programs: their source beyond code (language, files, main) and
    // what was built from it, as JSON; NULL for plain one-file JavaScript.
    up(sql) {
      addColumnIfMissing(sql, "program", "source", "TEXT");
      addColumnIfMissing(sql, "program", "compiled", "TEXT");
    },
  },
];
