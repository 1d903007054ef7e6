import { DurableObject } from "cloudflare:workers";
import { Schema } from "effect";
import { decodeVars } from "../base/decode";
import { type Migration, migrate } from "../base/migrations";
import { oncePerEnv } from "../base/once-per-env";

/**
 * The key that signs visitor ids: the operator's VISITOR_KEY secret when set, otherwise one made on
 * first use and kept in a Durable Object, so cookies (and with them histories) outlive restarts and
 * deploys. Both are read once per isolate: signing a cookie must not cost a request.
 */
const KeyVars = Schema.Struct({
  VISITOR_KEY: Schema.optional(
    Schema.String.check(Schema.isMinLength(32, { message: "VISITOR_KEY must be at least 32 characters" })),
  ),
});

/** The one object that holds the generated key; its name never changes, so neither does the key. */
const KEY_OBJECT = "visitor-key";

let cached: { source: string; key: Promise<CryptoKey> } | null = null;

const keyVars = oncePerEnv((env: Env) => decodeVars(KeyVars, env, "VISITOR_KEY secret"));

export function visitorKey(env: Env): Promise<CryptoKey> {
  const { VISITOR_KEY } = keyVars(env);
  const source = VISITOR_KEY ?? "durable";
  if (cached?.source !== source) {
    const key = (async () => {
      const raw = VISITOR_KEY
        ? new TextEncoder().encode(VISITOR_KEY)
        : new Uint8Array(await env.VISITOR_KEYS.getByName(KEY_OBJECT).key());
      return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    })();
    // A failed read is not kept: the next request asks again.
    key.catch(() => {
      if (cached?.key === key) cached = null;
    });
    cached = { source, key };
  }
  return cached.key;
}

const KEY_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: "create key table",
    up(sql) {
      sql.exec(
        "CREATE TABLE key (id INTEGER PRIMARY KEY CHECK (id = 1), secret BLOB NOT NULL, created_at INTEGER NOT NULL)",
      );
    },
  },
];

/** Holds the generated visitor-signing key: 32 random bytes, made once, never rotated by itself. */
export class VisitorKey extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    migrate(ctx.storage, KEY_MIGRATIONS);
  }

  /** The key's bytes; the first call makes them. Synchronous SQL, so two first calls cannot race. */
  key(): ArrayBuffer {
    const sql = this.ctx.storage.sql;
    const row = sql.exec<{ secret: ArrayBuffer }>("SELECT secret FROM key WHERE id = 1").toArray()[0];
    if (row) return row.secret;
    const secret = crypto.getRandomValues(new Uint8Array(32));
    sql.exec("INSERT INTO key (id, secret, created_at) VALUES (1, ?, ?)", secret, Date.now());
    return secret.buffer;
  }
}
