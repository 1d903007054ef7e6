import { DurableObject } from "cloudflare:workers";
import type { TokenInfo } from "../base/answers";
import { migrate } from "../base/migrations";
import { newToken, tokenHash } from "./auth-token-format";
import { API_TOKENS_MIGRATIONS } from "./auth-tokens.migrations";

/** Active tokens one owner may hold: enough for a few agents and scripts, not a storage sink. */
export const MAX_TOKENS_PER_OWNER = 20;

/** lastUsed moves at most once a minute per token, so a busy token costs no write per request. */
const LAST_USED_STEP_MS = 60_000;

/** Revoked tokens an owner's list keeps, so presenting one says token_revoked rather than token_unknown. */
const REVOKED_KEPT = 100;

type TokenRow = {
  id: string;
  owner: string;
  name: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
};

export type TokenCheck =
  | { readonly status: "ok"; readonly id: string; readonly owner: string }
  | { readonly status: "revoked" }
  | { readonly status: "unknown" };

/**
 * Every API token, as the SHA-256 of the whole token, with its owner (a visitor id), name and use.
 *
 * One object for all tokens, not shards: a token is found by its hash alone (the caller presents
 * nothing else), a visitor lists their own, and the operator lists by owner; in one object each is
 * one indexed SQLite query. A check is a read, and lastUsed a write at most once a minute per
 * token, so the object's limit (about a thousand requests a second) is the limit on bearer requests
 * a second across the deployment. Past that it splits by the hash's first hex digits, as
 * ProgramStore does, with owners' lists asking each shard (see docs/tokens.md).
 */
export class ApiTokens extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage, API_TOKENS_MIGRATIONS);
  }

  /**
   * A new token for `owner`; the token itself is in the answer and nowhere else. null when the
   * owner already holds MAX_TOKENS_PER_OWNER active tokens.
   */
  async create(owner: string, name: string): Promise<{ token: string; info: TokenInfo } | null> {
    // Hashed before counting: from the count to the insert nothing awaits, so no other create slips in.
    const token = newToken();
    const hash = await tokenHash(token);
    const sql = this.ctx.storage.sql;
    // An owner's last revoked tokens answer "revoked"; older ones are forgotten ("unknown"), so
    // making and revoking tokens in a loop cannot fill the object.
    sql.exec(
      `DELETE FROM token WHERE owner = ? AND revoked_at IS NOT NULL AND id NOT IN
         (SELECT id FROM token WHERE owner = ? AND revoked_at IS NOT NULL ORDER BY revoked_at DESC LIMIT ?)`,
      owner,
      owner,
      REVOKED_KEPT,
    );
    const active = sql
      .exec<{ n: number }>("SELECT count(*) AS n FROM token WHERE owner = ? AND revoked_at IS NULL", owner)
      .one().n;
    if (active >= MAX_TOKENS_PER_OWNER) return null;
    const id = crypto.randomUUID();
    const now = Date.now();
    sql.exec(
      "INSERT INTO token (id, hash, owner, name, created_at) VALUES (?, ?, ?, ?, ?)",
      id,
      hash,
      owner,
      name,
      now,
    );
    return { token, info: { id, name, created: new Date(now).toISOString(), lastUsed: null } };
  }

  /** The token with this hash: whose it is, or that it was revoked, or that there is none. */
  check(hash: string): TokenCheck {
    const sql = this.ctx.storage.sql;
    const row = sql
      .exec<Pick<TokenRow, "id" | "owner" | "last_used_at" | "revoked_at">>(
        "SELECT id, owner, last_used_at, revoked_at FROM token WHERE hash = ?",
        hash,
      )
      .toArray()[0];
    if (!row) return { status: "unknown" };
    if (row.revoked_at !== null) return { status: "revoked" };
    const now = Date.now();
    if (row.last_used_at === null || now - row.last_used_at >= LAST_USED_STEP_MS) {
      sql.exec("UPDATE token SET last_used_at = ? WHERE id = ?", now, row.id);
    }
    return { status: "ok", id: row.id, owner: row.owner };
  }

  /** An owner's active tokens, oldest first. */
  list(owner: string): TokenInfo[] {
    return this.ctx.storage.sql
      .exec<TokenRow>("SELECT * FROM token WHERE owner = ? AND revoked_at IS NULL ORDER BY created_at, id", owner)
      .toArray()
      .map(infoOf);
  }

  /** Revokes a token of `owner` (any owner's for the operator: null); false when there is no such active token. */
  revoke(id: string, owner: string | null): boolean {
    const sql = this.ctx.storage.sql;
    const cursor =
      owner === null
        ? sql.exec("UPDATE token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", Date.now(), id)
        : sql.exec(
            "UPDATE token SET revoked_at = ? WHERE id = ? AND owner = ? AND revoked_at IS NULL",
            Date.now(),
            id,
            owner,
          );
    return cursor.rowsWritten > 0;
  }

  /** The visitor id of an operator-named owner, made on first use when `create` is set. */
  ownerNamed(name: string, create: boolean): string | null {
    const sql = this.ctx.storage.sql;
    const row = sql.exec<{ visitor: string }>("SELECT visitor FROM owner WHERE name = ?", name).toArray()[0];
    if (row || !create) return row?.visitor ?? null;
    const visitor = crypto.randomUUID();
    sql.exec("INSERT INTO owner (name, visitor, created_at) VALUES (?, ?, ?)", name, visitor, Date.now());
    return visitor;
  }

  /** The operator's view: active tokens of every owner, or of one, with the owner's name when it has one. */
  listAll(owner: string | null): (TokenInfo & { owner: string; ownerName: string | null })[] {
    const rows = this.ctx.storage.sql
      .exec<TokenRow & { owner_name: string | null }>(
        `SELECT token.*, owner.name AS owner_name FROM token LEFT JOIN owner ON owner.visitor = token.owner
         WHERE token.revoked_at IS NULL AND (? IS NULL OR token.owner = ?) ORDER BY token.created_at, token.id`,
        owner,
        owner,
      )
      .toArray();
    return rows.map((row) => ({ ...infoOf(row), owner: row.owner, ownerName: row.owner_name }));
  }
}

function infoOf(row: TokenRow): TokenInfo {
  return {
    id: row.id,
    name: row.name,
    created: new Date(row.created_at).toISOString(),
    lastUsed: row.last_used_at === null ? null : new Date(row.last_used_at).toISOString(),
  };
}
