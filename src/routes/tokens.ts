import { type Context, Hono } from "hono";
import type { AppEnv } from "../app-env";
import type { TokenCreatedAnswer, TokenListAnswer } from "../base/answers";
import { decodeOrFail } from "../base/decode";
import { ApiError } from "../base/errors";
import { apiTokens } from "../request/auth-bearer";
import { callerOf } from "../request/auth-caller";
import { TokenCreateRequest, TokenId } from "../request/auth-token-schemas";
import { MAX_TOKENS_PER_OWNER } from "../request/auth-tokens";
import { limitBody } from "../request/body-limit";
import { readJsonBody } from "../request/json-body";
import { rateLimit } from "../request/rate-limit";

/**
 * A visitor's API tokens, managed from the playground with the visitor cookie: make one (shown
 * once), list them, revoke one. A token cannot manage tokens (a leaked one must not mint others
 * that outlive its revocation), and a caller without a cookie has no visitor to own one.
 */
export const tokenRoutes = new Hono<AppEnv>()
  .get("/tokens", async (c) => {
    const owner = sessionOwner(c);
    const answer: TokenListAnswer = { tokens: owner ? await apiTokens(c.env).list(owner) : [] };
    return c.json(answer);
  })
  .post(
    "/tokens",
    rateLimit("SUBMIT_LIMITER"),
    limitBody(4096, "body_too_large", "A token request is at most 4 KiB."),
    async (c) => {
      const owner = requireSession(c);
      const { name } = decodeOrFail(TokenCreateRequest, await readJsonBody(c));
      const created = await apiTokens(c.env).create(owner, name);
      if (!created) {
        throw new ApiError(
          "too_many_tokens",
          `You have ${MAX_TOKENS_PER_OWNER} active tokens, the most one visitor may hold; revoke one first.`,
        );
      }
      const answer: TokenCreatedAnswer = { ...created.info, token: created.token };
      return c.json(answer, 201);
    },
  )
  .delete("/tokens/:id", async (c) => {
    const owner = requireSession(c);
    const id = decodeOrFail(TokenId, c.req.param("id"), "invalid_request", "token id");
    if (!(await apiTokens(c.env).revoke(id, owner))) {
      throw new ApiError("token_not_found", `You have no active token ${id}.`);
    }
    return c.body(null, 204);
  });

/**
 * The visitor whose tokens these are: only a cookie the server signed earlier counts (a new visitor
 * has none yet, so null). A bearer token is refused.
 */
function sessionOwner(c: Context<AppEnv>): string | null {
  const caller = callerOf(c);
  if (caller.kind === "token") {
    throw new ApiError("session_required", "Tokens are managed in the playground; a token cannot manage tokens.");
  }
  return caller.known ? caller.id : null;
}

function requireSession(c: Context<AppEnv>): string {
  const owner = sessionOwner(c);
  if (owner) return owner;
  throw new ApiError(
    "session_required",
    "Tokens belong to a playground visitor: open the playground first, and manage them from there.",
  );
}
