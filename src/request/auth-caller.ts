import type { Context } from "hono";
import type { RequestEnv } from "./request-env";

/**
 * Who sent a request: a bearer token (its id, and the visitor id that owns it), or a browser
 * visitor known by a signed cookie, or a caller with neither (`known: false`: a new visitor id was
 * just made for it, and nobody holds it yet).
 */
export type Caller =
  | { readonly kind: "token"; readonly tokenId: string; readonly owner: string }
  | { readonly kind: "visitor"; readonly id: string; readonly known: boolean };

/** What the request stage's auth middleware adds to every handler's context. */
export interface AuthEnv extends RequestEnv {
  Variables: RequestEnv["Variables"] & { caller: Caller };
}

/**
 * The request's caller. Handlers before the visitor middleware, and the run origin (which has no
 * visitors), see an anonymous caller.
 */
export function callerOf<E extends AuthEnv>(c: Context<E>): Caller {
  return c.get("caller") ?? { kind: "visitor", id: "", known: false };
}

/**
 * A caller whose visitor id was made for this request: nobody has a history under it yet, so reading
 * one (which would create its Durable Object) is skipped.
 */
export function isNewVisitor<E extends AuthEnv>(c: Context<E>): boolean {
  const caller = callerOf(c);
  return caller.kind === "visitor" && !caller.known;
}
