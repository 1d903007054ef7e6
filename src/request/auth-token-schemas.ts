import { Schema } from "effect";

/** What people call a token: shown in lists, so short and printable. */
export const TokenName = Schema.String.check(
  Schema.isMinLength(1, { message: "name must not be empty" }),
  Schema.isMaxLength(64, { message: "name is at most 64 characters" }),
  Schema.isPattern(/^[^\p{Cc}]*$/u, { message: "name must not contain control characters" }),
);

/** An operator's name for a token's owner (a person, an agent, a service). */
export const OwnerName = TokenName;

/** POST /tokens. */
export const TokenCreateRequest = Schema.Struct({ name: TokenName });

/** POST /admin/tokens: a token for an owner the operator names (made on first use). */
export const AdminTokenCreateRequest = Schema.Struct({ owner: OwnerName, name: TokenName });

/** GET /admin/tokens?owner=… */
export const AdminTokenQuery = Schema.Struct({ owner: Schema.optional(OwnerName) });

/** A token's id, as lists give it (never the token). */
export const TokenId = Schema.String.check(
  Schema.isPattern(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    message: "token id must be a UUID, as the token list gives it",
  }),
);
