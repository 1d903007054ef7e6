import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { takeInlineSourceMap, trimSourceMap } from "./source-map";

/** Base64 of the text's UTF-8 bytes, as esbuild writes an inline map. */
function base64(text: string): string {
  return btoa(Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join(""));
}

function inline(code: string, map: string): string {
  return `${code}\n//# sourceMappingURL=data:application/json;base64,${base64(map)}\n`;
}

describe("trimSourceMap", () => {
  it("drops sourcesContent and keeps every other field in its place", () => {
    const map = JSON.stringify({
      version: 3,
      sources: ["src/a.ts"],
      sourcesContent: ["export const a: number = 1;"],
      mappings: "AAAA",
      names: ["a"],
    });
    expect(trimSourceMap(map)).toBe('{"version":3,"sources":["src/a.ts"],"mappings":"AAAA","names":["a"]}');
  });

  it("drops esbuild's namespaces and leading ./, ../ and /", () => {
    const map = JSON.stringify({
      version: 3,
      sources: ["virtual:src/a.ts", "./src/b.ts", "/src/c.ts", "../d.ts", ".//./e.ts", "src/f.ts", "file:///g.js"],
      mappings: "",
    });
    expect(trimSourceMap(map)).toBe(
      '{"version":3,"sources":["src/a.ts","src/b.ts","src/c.ts","d.ts","e.ts","src/f.ts","g.js"],"mappings":""}',
    );
  });

  it("keeps node_modules paths and inner ./ segments", () => {
    const map = JSON.stringify({ version: 3, sources: ["virtual:node_modules/x/index.js", "src/./y.ts"] });
    expect(trimSourceMap(map)).toBe('{"version":3,"sources":["node_modules/x/index.js","src/./y.ts"]}');
  });
});

describe("takeInlineSourceMap", () => {
  const map = JSON.stringify({
    version: 3,
    sources: ["virtual:src/a.ts"],
    sourcesContent: ["const a = 'é';"],
    mappings: "AAAA",
    names: [],
  });

  it("takes the inline map off the end of the code, trimmed", () => {
    expect(takeInlineSourceMap(inline("const a = 'é';\nexport { a };", map))).toStrictEqual({
      code: "const a = 'é';\nexport { a };",
      sourceMap: '{"version":3,"sources":["src/a.ts"],"mappings":"AAAA","names":[]}',
    });
  });

  it("takes a map with no trailing newline", () => {
    const code = `x;\n//# sourceMappingURL=data:application/json;base64,${base64(map)}`;
    expect(takeInlineSourceMap(code)).toStrictEqual({
      code: "x;",
      sourceMap: '{"version":3,"sources":["src/a.ts"],"mappings":"AAAA","names":[]}',
    });
  });

  it("leaves code without an inline map as it is", () => {
    expect(takeInlineSourceMap("const a = 1;\n")).toStrictEqual({ code: "const a = 1;\n" });
    // A map comment followed by more code is not the module's end.
    const middle = `${inline("a;", map)}b;\n`;
    expect(takeInlineSourceMap(middle)).toStrictEqual({ code: middle });
    // An external map is not taken.
    const external = "a;\n//# sourceMappingURL=a.js.map\n";
    expect(takeInlineSourceMap(external)).toStrictEqual({ code: external });
  });

  it("gives back any code and the user's source names (property)", () => {
    const plain = fc
      .array(fc.stringMatching(/^[A-Za-z0-9_-]{1,6}$/), { minLength: 1, maxLength: 3 })
      .map((segments) => `${segments.join("/")}.ts`);
    const source = fc.tuple(fc.constantFrom("", "./", "../", "/", "virtual:", "virtual:./"), plain);
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.array(source, { maxLength: 5 }), (code, sources) => {
        const raw = JSON.stringify({
          version: 3,
          sources: sources.map(([prefix, path]) => prefix + path),
          sourcesContent: sources.map(() => code),
          mappings: "",
        });
        expect(takeInlineSourceMap(inline(code, raw))).toStrictEqual({
          code,
          sourceMap: JSON.stringify({ version: 3, sources: sources.map(([, path]) => path), mappings: "" }),
        });
      }),
    );
  });
});
