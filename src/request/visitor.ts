import { Schema } from "effect";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { VisitorId } from "../base/schemas";
import type { RequestEnv } from "./request-env";

export const VISITOR_COOKIE = "promptlog_visitor";
const isVisitorId = Schema.is(VisitorId);

/**
 * Gives every visitor an anonymous id in an HttpOnly, SameSite=Lax cookie. The id picks the
 * visitor's PromptLog, so only a random, unguessable id is accepted; anything else gets a new one.
 */
export const visitor: MiddlewareHandler<RequestEnv> = async (c, next) => {
  const current = getCookie(c, VISITOR_COOKIE);
  if (isVisitorId(current)) {
    c.set("visitorId", current);
  } else {
    const id = crypto.randomUUID();
    c.set("visitorId", id);
    setVisitorCookie(c, id);
  }
  await next();
};

function setVisitorCookie(c: Context<RequestEnv>, id: string) {
  setCookie(c, VISITOR_COOKIE, id, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: 60 * 60 * 24 * 365,
  });
}
