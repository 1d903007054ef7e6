import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Program } from "../base/program";
import { canonicalForm, hashProgram } from "./hash";

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

const INDEX = 'import { a } from "./a";\nexport default { fetch: () => new Response(String(a)) };';

describe("canonicalForm", () => {
  it("writes a snippet as code then mode", () => {
    expect(canonicalForm({ mode: "snippet", code: "return 1 + 1;" })).toBe('{"code":"return 1 + 1;","mode":"snippet"}');
  });

  it("writes a module as code then mode", () => {
    const code = 'export default { fetch: () => new Response("hi") };';
    expect(canonicalForm({ mode: "module", code })).toBe(
      '{"code":"export default { fetch: () => new Response(\\"hi\\") };","mode":"module"}',
    );
  });

  it("writes TypeScript's language between code and mode", () => {
    expect(canonicalForm({ mode: "snippet", code: "const a: number = 1;", language: "ts" })).toBe(
      '{"code":"const a: number = 1;","language":"ts","mode":"snippet"}',
    );
  });

  it("writes network: true last", () => {
    expect(canonicalForm({ mode: "module", code: "x", network: true })).toBe(
      '{"code":"x","mode":"module","network":true}',
    );
    expect(canonicalForm({ mode: "snippet", code: "x", language: "ts", network: true })).toBe(
      '{"code":"x","language":"ts","mode":"snippet","network":true}',
    );
  });

  it("leaves out options at their defaults (language js, network false)", () => {
    expect(canonicalForm({ mode: "snippet", code: "x", language: "js", network: false })).toBe(
      '{"code":"x","mode":"snippet"}',
    );
  });

  it("writes a files program as sorted files, main, mode, and no code or language", () => {
    const program: Program = {
      mode: "module",
      code: "",
      language: "ts",
      main: "src/index.ts",
      files: { "src/index.ts": INDEX, "src/a.ts": "export const a = 1;" },
      network: true,
    };
    expect(canonicalForm(program)).toBe(
      '{"files":{"src/a.ts":"export const a = 1;","src/index.ts":"import { a } from \\"./a\\";\\nexport default { fetch: () => new Response(String(a)) };"},"main":"src/index.ts","mode":"module","network":true}',
    );
  });

  it("leaves out a files program's main when it has none", () => {
    expect(canonicalForm({ mode: "module", code: "", files: { "b.js": "b", "a.js": "a" } })).toBe(
      '{"files":{"a.js":"a","b.js":"b"},"mode":"module"}',
    );
  });
});

describe("hashProgram", () => {
  it("pins a known vector (a change to the canonical form changes every hash)", async () => {
    expect(await hashProgram({ mode: "snippet", code: "return 1 + 1;" })).toBe(
      "d461a7f4bdbbb3d5a84acc0c22c6e703a8a6f8bb156f50e43548f4ba626d362c",
    );
    expect(
      await hashProgram({
        mode: "module",
        code: "",
        main: "src/index.ts",
        files: { "src/index.ts": INDEX, "src/a.ts": "export const a = 1;" },
        network: true,
      }),
    ).toBe("3d23433709325f681faf3e1917b10ebb78a39d793fbf22a80b6b1d9d1d42c840");
  });

  it("is 64 lowercase hex, the SHA-256 of the canonical form", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          mode: fc.constantFrom("module" as const, "snippet" as const),
          code: fc.string({ unit: "grapheme" }),
          language: fc.option(fc.constantFrom("js" as const, "ts" as const), { nil: undefined }),
          network: fc.option(fc.boolean(), { nil: undefined }),
        }),
        async (program) => {
          const hash = await hashProgram(program);
          expect(hash).toMatch(/^[0-9a-f]{64}$/);
          expect(hash).toBe(await sha256Hex(canonicalForm(program)));
        },
      ),
      { numRuns: 50 },
    );
  });

  it("gives files in any insertion order the same form and hash", async () => {
    const path = fc
      .array(fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/), { minLength: 1, maxLength: 3 })
      .map((segments) => segments.join("/"));
    const entries = fc.uniqueArray(fc.tuple(path, fc.string()), {
      selector: ([name]) => name,
      minLength: 1,
      maxLength: 8,
    });
    const entriesAndShuffle = entries.chain((list) =>
      fc.tuple(fc.constant(list), fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length })),
    );
    await fc.assert(
      fc.asyncProperty(entriesAndShuffle, fc.option(path, { nil: undefined }), async ([list, shuffled], main) => {
        const a: Program = { mode: "module", code: "", main, files: Object.fromEntries(list) };
        const b: Program = { mode: "module", code: "", main, files: Object.fromEntries(shuffled) };
        expect(canonicalForm(a)).toBe(canonicalForm(b));
        expect(await hashProgram(a)).toBe(await hashProgram(b));
        const files = (JSON.parse(canonicalForm(a)) as { files: Record<string, string> }).files;
        expect(files).toEqual(Object.fromEntries(list));
      }),
      { numRuns: 50 },
    );
  });

  it("changes when an option is set, and not when it is set to its default", async () => {
    const base: Program = { mode: "snippet", code: "return 1;" };
    const plain = await hashProgram(base);
    expect(await hashProgram({ ...base, language: "ts" })).not.toBe(plain);
    expect(await hashProgram({ ...base, network: true })).not.toBe(plain);
    expect(await hashProgram({ ...base, language: "ts", network: true })).not.toBe(
      await hashProgram({ ...base, language: "ts" }),
    );
    expect(await hashProgram({ ...base, mode: "module" })).not.toBe(plain);
    expect(await hashProgram({ ...base, language: "js" })).toBe(plain);
    expect(await hashProgram({ ...base, network: false })).toBe(plain);
    const files: Program = { mode: "module", code: "", main: "a.js", files: { "a.js": "x" } };
    expect(await hashProgram({ ...files, network: true })).not.toBe(await hashProgram(files));
    expect(await hashProgram({ ...files, main: "b.js" })).not.toBe(await hashProgram(files));
  });

  it("does not cover the build output (compiled)", async () => {
    const program: Program = { mode: "module", code: "export default {};", language: "ts" };
    const compiled = {
      mainModule: "program.js",
      modules: { "program.js": "export default {};" },
      sourceMap: '{"version":3,"sources":["index.ts"],"names":[],"mappings":"AAAA"}',
    };
    expect(canonicalForm({ ...program, compiled })).toBe(canonicalForm(program));
    expect(await hashProgram({ ...program, compiled })).toBe(await hashProgram(program));
    expect(await hashProgram({ ...program, compiled: { ...compiled, modules: { "program.js": "other" } } })).toBe(
      await hashProgram(program),
    );
  });
});
