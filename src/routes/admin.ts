import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "../app-env";
import type { AdminTokenListAnswer, TokenCreatedAnswer } from "../base/answers";
import { decodeOrFail } from "../base/decode";
import { ApiError } from "../base/errors";
import { apiTokens } from "../request/auth-bearer";
import { authSettings } from "../request/auth-settings";
import { AdminTokenCreateRequest, AdminTokenQuery, TokenId } from "../request/auth-token-schemas";
import { limitBody } from "../request/body-limit";
import { readJsonBody } from "../request/json-body";

/** The header the operator's key travels in (`bun run token` sends it); never a cookie. */
export const ADMIN_HEADER = "x-admin-token";

/**
 * Only with the ADMIN_TOKEN secret set, and only for requests that show it: without the secret the
 * routes do not exist (404, as any unknown path), so a deployment that never set one has no admin
 * surface at all.
 */
const adminOnly: MiddlewareHandler<AppEnv> = async (c, next) => {
  const { adminToken } = authSettings(c.env);
  if (adminToken === null) {
    throw new ApiError("route_not_found", `No route for ${c.req.method} ${c.req.path}.`);
  }
  if (!(await sameSecret(c.req.header(ADMIN_HEADER) ?? "", adminToken))) {
    throw new ApiError("admin_forbidden", `${c.req.path} needs the operator's ADMIN_TOKEN in ${ADMIN_HEADER}.`);
  }
  await next();
};

/** The operator's tokens: for owners they name (each owner a visitor id, made on first use). */
export const adminRoutes = new Hono<AppEnv>()
  .use("/admin/*", adminOnly)
  .get("/admin/tokens", async (c) => {
    const query = decodeOrFail(AdminTokenQuery, c.req.query(), "invalid_request", "query");
    const tokens = apiTokens(c.env);
    const owner = query.owner === undefined ? null : await tokens.ownerNamed(query.owner, false);
    const answer: AdminTokenListAnswer = {
      tokens: query.owner !== undefined && owner === null ? [] : await tokens.listAll(owner),
    };
    return c.json(answer);
  })
  .post("/admin/tokens", limitBody(4096, "body_too_large", "A token request is at most 4 KiB."), async (c) => {
    const body = decodeOrFail(AdminTokenCreateRequest, await readJsonBody(c));
    const tokens = apiTokens(c.env);
    const owner = (await tokens.ownerNamed(body.owner, true)) as string;
    const created = await tokens.create(owner, body.name);
    if (!created) {
      throw new ApiError("too_many_tokens", `${body.owner} already has the most active tokens one owner may hold.`);
    }
    const answer: TokenCreatedAnswer = { ...created.info, token: created.token };
    return c.json(answer, 201);
  })
  .delete("/admin/tokens/:id", async (c) => {
    const id = decodeOrFail(TokenId, c.req.param("id"), "invalid_request", "token id");
    if (!(await apiTokens(c.env).revoke(id, null))) throw new ApiError("token_not_found", `No active token ${id}.`);
    return c.body(null, 204);
  });

/** Compares digests in constant time: neither the secret's length nor its first wrong byte shows. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const digest = (text: string) => crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  const [a, b] = await Promise.all([digest(given), digest(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}
