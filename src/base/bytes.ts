/** Sizes as the API counts them (bytes of UTF-8) and as its messages say them. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).byteLength;
}

export function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes / 1024} KiB`;
}
