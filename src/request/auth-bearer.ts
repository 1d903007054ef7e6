import type { Context, MiddlewareHandler } from "hono";
import { ApiError, type ErrorCode, errorResponse } from "../base/errors";
import type { AuthEnv } from "./auth-caller";
import { TOKEN_PATTERN, tokenHash } from "./auth-token-format";

/** The one object all tokens live in (see ApiTokens for why one). */
export const TOKENS_OBJECT = "tokens";

export function apiTokens(env: Env) {
  return env.API_TOKENS.getByName(TOKENS_OBJECT);
}

/**
 * `Authorization: Bearer <token>` on any route: a valid token makes the request its owner's (a
 * visitor id: runs land in that history, limits count per token). A request that sends the header
 * means to use a token, so a malformed, unknown or revoked one is a 401, never a quiet fall back to
 * a cookie. Without the header nothing happens here: the visitor cookie decides, later.
 */
export const bearerAuth: MiddlewareHandler<AuthEnv> = async (c, next) => {
  const header = c.req.header("authorization");
  if (header === undefined) return next();
  const token = /^Bearer ([^\s]+)$/i.exec(header.trim())?.[1];
  if (!token || !TOKEN_PATTERN.test(token)) {
    return unauthorized(
      "token_malformed",
      "The Authorization header must be `Bearer pl_…` with a token made in the playground or by the operator.",
    );
  }
  // Looked up by the SHA-256 of the whole token: no secret is compared, so nothing to time.
  const check = await apiTokens(c.env).check(await tokenHash(token));
  if (check.status === "unknown") return unauthorized("token_unknown", "This token is not one we issued.");
  if (check.status === "revoked") return unauthorized("token_revoked", "This token has been revoked.");
  c.set("caller", { kind: "token", tokenId: check.id, owner: check.owner });
  c.set("visitorId", check.owner);
  await next();
};

/** A 401 with the RFC 6750 challenge; `invalid_token` for a token we refused, none when it was missing. */
export function unauthorized(code: ErrorCode, message: string): Response {
  const response = errorResponse(new ApiError(code, message));
  const challenge =
    code === "token_required"
      ? 'Bearer realm="promptlog"'
      : `Bearer realm="promptlog", error="invalid_token", error_description="${code}"`;
  response.headers.set("www-authenticate", challenge);
  return response;
}

export function isBearer<E extends AuthEnv>(c: Context<E>): boolean {
  return c.get("caller")?.kind === "token";
}
