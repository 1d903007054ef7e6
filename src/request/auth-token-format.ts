/**
 * API tokens: `pl_` and 43 base64url characters (32 random bytes). Only the SHA-256 of the whole
 * token is ever stored, and a token is found by that hash: there is no stored secret to compare a
 * presented one with, so an unknown token and a known id with a wrong secret take the same path
 * (one indexed lookup of a hash that is not there) and the same time.
 */
export const TOKEN_PATTERN = /^pl_[A-Za-z0-9_-]{43}$/;

export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const text = btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
  return `pl_${text}`;
}

/** Lowercase hex SHA-256 of the whole token: the only form in which tokens are kept. */
export async function tokenHash(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
