import type { Migration } from "../base/migrations";

/** ApiTokens' schema, oldest first. Append only: deployed objects are at any of these versions. */
export const API_TOKENS_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "create token and owner tables",
    up(sql) {
      // hash: SHA-256 of the whole token, the only form it is kept in. Revoked tokens stay (without
      // use) so that presenting one says "revoked" rather than "unknown".
      sql.exec(
        `CREATE TABLE token (
           id TEXT PRIMARY KEY,
           hash TEXT NOT NULL UNIQUE,
           owner TEXT NOT NULL,
           name TEXT NOT NULL,
           created_at INTEGER NOT NULL,
           last_used_at INTEGER,
           revoked_at INTEGER
         )`,
      );
      sql.exec("CREATE INDEX token_owner ON token (owner)");
      // The operator's owners by name, each with the visitor id whose history their tokens' runs fill.
      sql.exec(
        `CREATE TABLE owner (
           name TEXT PRIMARY KEY,
           visitor TEXT NOT NULL UNIQUE,
           created_at INTEGER NOT NULL
         )`,
      );
    },
  },
];
