import { INTERNAL_SECRET_HEADER } from "./protocol";

/**
 * Whether a request carries the dev line's internal secret, compared in constant time. The line's
 * loopback ports are reachable by every local process and every web page the machine opens, so each
 * one answers only its own line.
 */
export function hasInternalSecret(secret: string, request: Request): boolean {
  const presented = request.headers.get(INTERNAL_SECRET_HEADER);
  if (!secret || !presented) return false;
  const a = new TextEncoder().encode(secret);
  const b = new TextEncoder().encode(presented);
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}
