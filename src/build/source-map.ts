/**
 * The source maps kept with a built program, so runtime errors can name the user's own file, line
 * and column (see sandbox/locate.ts). Kept small: no sources' text (the program's files are stored
 * anyway), and source names as the user wrote them.
 */

const INLINE_MAP = /\n\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/;

interface RawSourceMap {
  sources: string[];
  sourcesContent?: unknown;
  [field: string]: unknown;
}

/** esbuild's inline map, taken off the module it ends (the loader has no use for it). */
export function takeInlineSourceMap(code: string): { code: string; sourceMap?: string } {
  const match = INLINE_MAP.exec(code);
  if (!match?.[1]) return { code };
  const json = new TextDecoder().decode(Uint8Array.from(atob(match[1]), (char) => char.charCodeAt(0)));
  return { code: code.slice(0, match.index), sourceMap: trimSourceMap(json) };
}

/** Drops the sources' text and esbuild's namespaces ("virtual:src/a.ts" is the user's "src/a.ts"). */
export function trimSourceMap(json: string): string {
  const { sourcesContent: _, ...map } = JSON.parse(json) as RawSourceMap;
  return JSON.stringify({ ...map, sources: map.sources.map(userPath) });
}

function userPath(source: string): string {
  return source.replace(/^[a-z-]+:/, "").replace(/^(?:\.\.?\/|\/)+/, "");
}
