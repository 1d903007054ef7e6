import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { appliedMigrations, migrateFrom, schemaOf } from "../../test/support/workerd/migrations";
import { tokenHash } from "./auth-token-format";
import type { ApiTokens } from "./auth-tokens";
import { API_TOKENS_MIGRATIONS as LIST } from "./auth-tokens.migrations";

const fresh = () => env.API_TOKENS.get(env.API_TOKENS.newUniqueId());

/** The schema the whole list builds, as it is today: a later migration must keep what this one made. */
const SCHEMA = [
  "CREATE TABLE owner ( name TEXT PRIMARY KEY, visitor TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL )",
  "CREATE TABLE token ( id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, owner TEXT NOT NULL, name TEXT NOT NULL, created_at INTEGER NOT NULL, last_used_at INTEGER, revoked_at INTEGER )",
  "CREATE INDEX token_owner ON token (owner)",
];

/** What the current code does with a migrated object: make, check, list and revoke a token. */
async function expectWorking(tokens: ApiTokens) {
  const owner = crypto.randomUUID();
  const created = await tokens.create(owner, "works");
  expect(created).not.toBeNull();
  const hash = await tokenHash(created?.token ?? "");
  expect(tokens.check(hash)).toEqual({ status: "ok", id: created?.info.id, owner });
  expect(tokens.list(owner).map((t) => t.name)).toEqual(["works"]);
  expect(tokens.revoke(created?.info.id ?? "", owner)).toBe(true);
  expect(tokens.check(hash)).toEqual({ status: "revoked" });
}

/** Per migration: rows as the version before it wrote them, and what must read back after it. */
const STEPS: Record<number, { seed(sql: SqlStorage): void; check(tokens: ApiTokens): Promise<void> }> = {
  1: {
    seed() {},
    async check(tokens) {
      expect(tokens.listAll(null)).toEqual([]);
      await expectWorking(tokens);
    },
  },
};

describe("ApiTokens migrations", () => {
  it.each(LIST)("migration $version ($name) keeps what the version before it wrote", async (migration) => {
    const step = STEPS[migration.version];
    if (!step) throw new Error(`migration ${migration.version} needs a step in STEPS`);
    await runInDurableObject(fresh(), async (tokens, state) => {
      await state.storage.deleteAll();
      migrateFrom(state.storage, LIST, migration.version, step.seed, SCHEMA);
      await step.check(tokens);
    });
  });

  it("a new object is at the last version", async () => {
    await runInDurableObject(fresh(), (_tokens, state) => {
      expect(appliedMigrations(state.storage).map((m) => m.version)).toEqual(LIST.map((m) => m.version));
      expect(schemaOf(state.storage.sql)).toEqual(SCHEMA);
    });
  });
});
