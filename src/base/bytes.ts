/** Sizes as the API counts them (bytes of UTF-8) and as its messages say them. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

export function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}

/** Pieces of bytes, `size` of them in all, as one array (the one piece itself when there is only it). */
export function joinBytes(pieces: readonly Uint8Array[], size: number): Uint8Array {
  if (pieces.length === 1 && pieces[0]?.byteLength === size) return pieces[0];
  const joined = new Uint8Array(size);
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.byteLength;
  }
  return joined;
}
