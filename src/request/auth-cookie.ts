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

/** The id a cookie carries, or null when it is not one the server signed. */
export async function verifiedVisitor(key: CryptoKey, cookie: string | undefined): Promise<string | null> {
  if (!cookie) return null;
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
