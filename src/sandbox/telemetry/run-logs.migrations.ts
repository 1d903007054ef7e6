import type { Migration } from "../../base/migrations";

/** RunLogMailbox's schema, oldest first. Append only: deployed shards are at any of these versions. */
export const RUN_LOGS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "create console and egress tables",
    // IF NOT EXISTS: mailboxes from before migrations already have them.
    up(sql) {
      sql.exec("CREATE TABLE IF NOT EXISTS console (run_id TEXT PRIMARY KEY, body TEXT NOT NULL, at INTEGER NOT NULL)");
      sql.exec(
        "CREATE TABLE IF NOT EXISTS egress (seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, body TEXT NOT NULL, at INTEGER NOT NULL)",
      );
    },
  },
];
