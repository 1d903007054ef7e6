import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Compiled, PROGRAM_MODULE, type Program, SNIPPET_PREFIX } from "../base/program";
import { compileTypeScript } from "../build/typescript";
import { inUserTerms } from "./locate";

const P = SNIPPET_PREFIX.length;

/** Base64 VLQ, as source maps v3 write their mappings. */
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
function vlq(value: number): string {
  let rest = value < 0 ? (-value << 1) | 1 : value << 1;
  let out = "";
  do {
    let digit = rest & 31;
    rest >>>= 5;
    if (rest > 0) digit |= 32;
    out += BASE64[digit];
  } while (rest > 0);
  return out;
}

/** Mappings from absolute, 0-based segments [generated column, source, line, column], one array per generated line. */
function encodeMappings(lines: ReadonlyArray<ReadonlyArray<readonly [number, number, number, number]>>): string {
  let source = 0;
  let line = 0;
  let column = 0;
  return lines
    .map((segments) => {
      let generated = 0;
      return segments
        .map(([genColumn, src, srcLine, srcColumn]) => {
          const text = vlq(genColumn - generated) + vlq(src - source) + vlq(srcLine - line) + vlq(srcColumn - column);
          generated = genColumn;
          source = src;
          line = srcLine;
          column = srcColumn;
          return text;
        })
        .join(",");
    })
    .join(";");
}

describe("inUserTerms: snippets", () => {
  const program: Program = { mode: "snippet", code: 'throw new Error("boom")\nfoo();' };

  it("moves line 1's columns back by the wrapper's prefix, leaves later lines alone", () => {
    const text = `Error: boom\n    at program.js:1:${P + 7}\n    at program.js:2:3`;
    expect(inUserTerms(program, text)).toStrictEqual({
      text: "Error: boom\n    at program.js:1:7\n    at program.js:2:3",
      location: { line: 1, column: 7 },
    });
  });

  it("takes the first position in the user's code as the location", () => {
    const text = "Error: boom\n    at program.js:2:3\n    at program.js:1:99";
    expect(inUserTerms(program, text)).toStrictEqual({
      text: `Error: boom\n    at program.js:2:3\n    at program.js:1:${99 - P}`,
      location: { line: 2, column: 3 },
    });
  });

  it("does not name a position past the user's last line (the wrapper's tail)", () => {
    expect(inUserTerms(program, "Error: x\n    at program.js:3:10")).toStrictEqual({
      text: "Error: x\n    at program.js:3:10",
    });
    expect(inUserTerms(program, "Error: x\n    at program.js:3:10\n    at program.js:2:1")).toStrictEqual({
      text: "Error: x\n    at program.js:3:10\n    at program.js:2:1",
      location: { line: 2, column: 1 },
    });
  });

  it("reads a column inside the wrapper's prefix as column 1", () => {
    expect(inUserTerms(program, "at program.js:1:5")).toStrictEqual({
      text: "at program.js:1:1",
      location: { line: 1, column: 1 },
    });
  });

  it("counts a SyntaxError's columns from 0, so adds 1", () => {
    expect(
      inUserTerms(program, `Uncaught SyntaxError: Unexpected identifier 'x' at program.js:1:${P + 4}`),
    ).toStrictEqual({
      text: "Uncaught SyntaxError: Unexpected identifier 'x' at program.js:1:5",
      location: { line: 1, column: 5 },
    });
    expect(inUserTerms(program, "SyntaxError: Unexpected token at program.js:2:4")).toStrictEqual({
      text: "SyntaxError: Unexpected token at program.js:2:5",
      location: { line: 2, column: 5 },
    });
    // Other errors already count from 1.
    expect(inUserTerms(program, "TypeError: x at program.js:2:4")).toStrictEqual({
      text: "TypeError: x at program.js:2:4",
      location: { line: 2, column: 4 },
    });
  });

  it("leaves text with no positions, and other modules' positions, as they are", () => {
    expect(inUserTerms(program, "Error: no stack")).toStrictEqual({ text: "Error: no stack" });
    expect(inUserTerms(program, "at runner.js:1:200")).toStrictEqual({ text: "at runner.js:1:200" });
    // A module whose name only ends like the program's is not the program.
    expect(inUserTerms(program, "at myprogram.js:1:200")).toStrictEqual({ text: "at myprogram.js:1:200" });
  });

  it("shifts any line-1 column by exactly the prefix (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[^\n]*$/), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.nat(),
        (lines, column, pick) => {
          const snippet: Program = { mode: "snippet", code: lines.join("\n") };
          expect(inUserTerms(snippet, `at program.js:1:${P + column}`)).toStrictEqual({
            text: `at program.js:1:${column}`,
            location: { line: 1, column },
          });
          const line = 2 + (pick % lines.length);
          const users = line <= lines.length;
          expect(inUserTerms(snippet, `at program.js:${line}:${column}`)).toStrictEqual(
            users
              ? { text: `at program.js:${line}:${column}`, location: { line, column } }
              : { text: `at program.js:${line}:${column}` },
          );
        },
      ),
    );
  });
});

describe("inUserTerms: modules", () => {
  it("leaves a module's positions unchanged", () => {
    const program: Program = { mode: "module", code: "a\nb\nc" };
    expect(
      inUserTerms(program, `Error: x\n    at fetch (program.js:1:${P + 7})\n    at program.js:2:15`),
    ).toStrictEqual({
      text: `Error: x\n    at fetch (program.js:1:${P + 7})\n    at program.js:2:15`,
      location: { line: 1, column: P + 7 },
    });
  });

  it("adds 1 to a module's SyntaxError column", () => {
    const program: Program = { mode: "module", code: "a\nb\nc" };
    expect(inUserTerms(program, "SyntaxError: Unexpected token '}' at program.js:3:0")).toStrictEqual({
      text: "SyntaxError: Unexpected token '}' at program.js:3:1",
      location: { line: 3, column: 1 },
    });
  });
});

describe("inUserTerms: one-file TypeScript", () => {
  const code = 'const a: number = 1; throw new Error("x");\nconst b: string = "y"; throw new Error(b);';

  it("maps a module's columns back through the source map", () => {
    const program: Program = { mode: "module", code, language: "ts" };
    const compiled = compileTypeScript(program);
    const js = compiled.modules[PROGRAM_MODULE] ?? "";
    const [one = "", two = ""] = js.split("\n");
    // The types are gone, so the throws moved left.
    expect(one.indexOf("new Error") + 1).toBe(20);
    expect(two.indexOf("new Error") + 1).toBe(22);
    expect(
      inUserTerms({ ...program, compiled }, "Error: x\n    at program.js:1:20\n    at program.js:2:22"),
    ).toStrictEqual({
      text: "Error: x\n    at program.js:1:28\n    at program.js:2:30",
      location: { line: 1, column: 28 },
    });
    expect(inUserTerms({ ...program, compiled }, "at program.js:1:14")).toStrictEqual({
      text: "at program.js:1:22",
      location: { line: 1, column: 22 },
    });
  });

  it("maps a snippet's columns back, then takes the wrapper's prefix off line 1", () => {
    const program: Program = { mode: "snippet", code, language: "ts" };
    const compiled = compileTypeScript(program);
    const [one = ""] = (compiled.modules[PROGRAM_MODULE] ?? "").split("\n");
    const column = one.indexOf("new Error") + 1;
    expect(column).toBe(P + 20);
    expect(inUserTerms({ ...program, compiled }, `Error: x\n    at program.js:1:${column}`)).toStrictEqual({
      text: "Error: x\n    at program.js:1:28",
      location: { line: 1, column: 28 },
    });
  });

  it("leaves a position the map does not cover as it is, and not the user's", () => {
    const program: Program = { mode: "module", code, language: "ts" };
    const compiled = compileTypeScript(program);
    expect(inUserTerms({ ...program, compiled }, "at program.js:99:1")).toStrictEqual({ text: "at program.js:99:1" });
  });
});

describe("inUserTerms: bundled files", () => {
  const files = { "src/parse.ts": "x", "src/index.ts": "y" };

  it("maps bundle.js positions to the user's file, line and column (a compiled map, renamed)", () => {
    const source = 'const a: number = 1; throw new Error("x");\nconst b: string = "y"; throw new Error(b);';
    const one = compileTypeScript({ mode: "module", code: source, language: "ts" });
    const map = JSON.parse(one.sourceMap ?? "{}") as { sources: string[] };
    expect(map.sources).toEqual(["index.ts"]);
    const compiled: Compiled = {
      mainModule: "bundle.js",
      modules: { "bundle.js": one.modules[PROGRAM_MODULE] ?? "" },
      sourceMap: JSON.stringify({ ...map, sources: ["src/parse.ts"] }),
    };
    const program: Program = { mode: "module", code: "", files, main: "src/index.ts", compiled };
    expect(inUserTerms(program, "Error: x\n    at bundle.js:2:22\n    at bundle.js:1:20")).toStrictEqual({
      text: "Error: x\n    at src/parse.ts:2:30\n    at src/parse.ts:1:28",
      location: { file: "src/parse.ts", line: 2, column: 30 },
    });
  });

  const mappings = encodeMappings([
    // bundle.js line 1: an npm package's line 4, column 3.
    [[0, 0, 3, 2]],
    // bundle.js line 2: src/parse.ts from its line 1; from column 7, its line 10 column 5.
    [
      [0, 1, 0, 0],
      [6, 1, 9, 4],
    ],
  ]);
  const compiled: Compiled = {
    mainModule: "bundle.js",
    modules: { "bundle.js": "lib();\nparse(x);\n" },
    sourceMap: JSON.stringify({
      version: 3,
      sources: ["node_modules/lib/index.js", "src/parse.ts"],
      names: [],
      mappings,
    }),
  };
  const program: Program = { mode: "module", code: "", files, main: "src/index.ts", compiled };

  it("encodes the hand-made map as expected", () => {
    expect(mappings).toBe("AAGE;ACHF,MASI");
  });

  it("does not name node_modules/ frames as the user's location", () => {
    const text = "Error: bad\n    at lib (bundle.js:1:5)\n    at parse (bundle.js:2:7)\n    at bundle.js:2:3";
    expect(inUserTerms(program, text)).toStrictEqual({
      text: "Error: bad\n    at lib (node_modules/lib/index.js:4:3)\n    at parse (src/parse.ts:10:5)\n    at src/parse.ts:1:1",
      location: { file: "src/parse.ts", line: 10, column: 5 },
    });
    expect(inUserTerms(program, "Error: bad\n    at lib (bundle.js:1:5)")).toStrictEqual({
      text: "Error: bad\n    at lib (node_modules/lib/index.js:4:3)",
    });
  });

  it("does not name unmapped bundle positions, nor program.js positions, as the user's", () => {
    expect(inUserTerms(program, "at bundle.js:7:1\n    at program.js:1:3")).toStrictEqual({
      text: "at bundle.js:7:1\n    at program.js:1:3",
    });
    const { sourceMap: _, ...noMap } = compiled;
    expect(inUserTerms({ ...program, compiled: noMap }, "at bundle.js:2:7")).toStrictEqual({
      text: "at bundle.js:2:7",
    });
  });
});
