// What the Durable Objects hold, read from their SQLite files on disk (workerd's localDisk storage:
// one folder per class, one <id>.sqlite per object): objects, rows per table, and bytes.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

export interface TableStats {
  rows: number;
  /** The rows' own bytes: text and blobs as stored, numbers as their digits (SQLite's record payload, roughly). */
  payloadBytes: number;
}

export interface ClassStats {
  objects: number;
  /** The objects' database size (pages × page size, the write-ahead log included). */
  fileBytes: number;
  tables: Record<string, TableStats>;
}

/** Per Durable Object class (its folder is `promptlog-<Class>`), what its objects hold now. */
export function storageSnapshot(stateDir: string): Record<string, ClassStats> {
  const snapshot: Record<string, ClassStats> = {};
  if (!existsSync(stateDir)) return snapshot;
  for (const folder of readdirSync(stateDir)) {
    const name = /^promptlog-(.+)$/.exec(folder)?.[1];
    if (!name) continue;
    const stats: ClassStats = { objects: 0, fileBytes: 0, tables: {} };
    for (const file of readdirSync(join(stateDir, folder))) {
      if (!file.endsWith(".sqlite") || file === "metadata.sqlite") continue;
      const db = new DatabaseSync(join(stateDir, folder, file), { readOnly: true });
      try {
        stats.objects++;
        const pages = db.prepare("PRAGMA page_count").get() as { page_count: number };
        const size = db.prepare("PRAGMA page_size").get() as { page_size: number };
        stats.fileBytes += pages.page_count * size.page_size;
        const tables = db
          .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
          )
          .all() as { name: string }[];
        for (const { name: table } of tables) {
          const columns = (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
          const bytes = columns.map((c) => `IFNULL(LENGTH(CAST("${c}" AS BLOB)), 0)`).join(" + ");
          const row = db.prepare(`SELECT COUNT(*) AS n, IFNULL(SUM(${bytes}), 0) AS b FROM "${table}"`).get() as {
            n: number;
            b: number;
          };
          const current = stats.tables[table] ?? { rows: 0, payloadBytes: 0 };
          stats.tables[table] = { rows: current.rows + row.n, payloadBytes: current.payloadBytes + row.b };
        }
      } finally {
        db.close();
      }
    }
    snapshot[name] = stats;
  }
  return snapshot;
}
