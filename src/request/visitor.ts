import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { AuthEnv } from "./auth-caller";
import { signVisitor, verifiedVisitor } from "./auth-cookie";
import { visitorKey } from "./auth-visitor-key";

export const VISITOR_COOKIE = "promptlog_visitor";

/**
 * Gives every visitor an anonymous id in an HttpOnly, SameSite=Lax cookie, signed by the server
 * (auth-cookie.ts). The id picks the visitor's PromptLog, so only an id the server issued is
 * accepted: a forged, unsigned or badly signed cookie gets a new visitor.
 *
 * A request a bearer token authenticated is its owner's, and carries no cookie of ours.
 */
export const visitor: MiddlewareHandler<AuthEnv> = async (c, next) => {
  const caller = c.get("caller");
  if (caller?.kind === "token") {
    c.set("visitorId", caller.owner);
    return next();
  }
  const key = await visitorKey(c.env);
  const current = await verifiedVisitor(key, getCookie(c, VISITOR_COOKIE));
  if (current) {
    c.set("visitorId", current);
    c.set("caller", { kind: "visitor", id: current, known: true });
  } else {
    const id = crypto.randomUUID();
    c.set("visitorId", id);
    c.set("caller", { kind: "visitor", id, known: false });
    setVisitorCookie(c, await signVisitor(key, id));
  }
  await next();
};

function setVisitorCookie(c: Context<AuthEnv>, value: string) {
  setCookie(c, VISITOR_COOKIE, value, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: 60 * 60 * 24 * 365,
  });
}
