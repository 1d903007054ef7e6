import { Schema } from "effect";
import { VisitorId } from "../base/schemas";

const isVisitorId = Schema.is(VisitorId);

/**
 * Visitor cookies are `<id>.<signature>`: the id, and an HMAC-SHA256 of it under the server's key
 * (base64url). Only the server can make one, so a client cannot pick an id, another visitor's id
 * is useless without its signature, and old unsigned cookies are simply replaced.
 */
const CONTEXT = "promptlog visitor v1:";

export async function signVisitor(key: CryptoKey, id: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(CONTEXT + id));
  return `${id}.${toBase64Url(new Uint8Array(signature))}`;
}

// A visitor sends the same cookie on every request: one HMAC per cookie and isolate, not per request.
// Only cookies that verified are kept, so forged ones cannot fill it (nor do the cookies handed to
// callers that never send one back); at the bound the oldest goes.
const VERIFIED_KEPT = 10_000;
const verified = new WeakMap<CryptoKey, Map<string, string>>();

/** The id a cookie carries, or null when it is not one the server signed. */
export async function verifiedVisitor(key: CryptoKey, cookie: string | undefined): Promise<string | null> {
  if (!cookie) return null;
  const hit = verified.get(key)?.get(cookie);
  if (hit !== undefined) return hit;
  const id = await verify(key, cookie);
  if (id !== null) remember(key, cookie, id);
  return id;
}

function remember(key: CryptoKey, cookie: string, id: string) {
  let known = verified.get(key);
  if (!known) {
    known = new Map();
    verified.set(key, known);
  }
  if (known.size >= VERIFIED_KEPT) known.delete(known.keys().next().value ?? "");
  known.set(cookie, id);
}

async function verify(key: CryptoKey, cookie: string): Promise<string | null> {
  const dot = cookie.indexOf(".");
  if (dot < 0) return null;
  const id = cookie.slice(0, dot);
  const signature = fromBase64Url(cookie.slice(dot + 1));
  if (!isVisitorId(id) || !signature) return null;
  // crypto.subtle.verify compares in constant time; a truncated signature is simply not equal.
  const valid = await crypto.subtle.verify("HMAC", key, signature, new TextEncoder().encode(CONTEXT + id));
  return valid ? id : null;
}

function toBase64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(text)) return null;
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}
