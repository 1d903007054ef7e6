import { INTERNAL_SECRET_HEADER } from "./protocol";

/**
 * Whether a request carries the dev line's internal secret, compared in constant time. The line's
 * loopback ports are reachable by every local process and every web page the machine opens, so each
 * one answers only its own line.
 */
export function hasInternalSecret(secret: string, request: Request): boolean {
  const presented = request.headers.get(INTERNAL_SECRET_HEADER);
  if (!secret || !presented) return false;
  const a = bytesOf(secret);
  const b = encoder.encode(presented);
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}

const encoder = new TextEncoder();
/** The line's secret is one per isolate: every request of a runtime checks against the same bytes. */
let known: { secret: string; bytes: Uint8Array } | undefined;

function bytesOf(secret: string): Uint8Array {
  if (known?.secret !== secret) known = { secret, bytes: encoder.encode(secret) };
  return known.bytes;
}
