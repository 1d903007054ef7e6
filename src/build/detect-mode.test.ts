import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { detectMode } from "./detect-mode";

describe("detectMode", () => {
  it("takes a default export for a module", async () => {
    expect(await detectMode('export default { fetch: () => new Response("hi") };')).toBe("module");
    expect(await detectMode("const app = {};\nexport default app;")).toBe("module");
    expect(await detectMode("function handler() {}\nexport { handler as default };")).toBe("module");
    expect(await detectMode("export default async function (request) { return new Response('x'); }")).toBe("module");
  });

  it("takes code that exports only functions or classes (to call over RPC) for a module", async () => {
    expect(await detectMode("export const a = 1;\nexport function b() {}")).toBe("module");
    expect(await detectMode("export async function add(a, b) { return a + b; }")).toBe("module");
    expect(await detectMode("export class Greeter { hi() {} }")).toBe("module");
  });

  it("takes code without exports for a snippet", async () => {
    expect(await detectMode('result = "hello";')).toBe("snippet");
    expect(await detectMode("")).toBe("snippet");
  });

  it("does not count export default inside a snippet's strings or comments", async () => {
    expect(await detectMode('result = "export default 1";')).toBe("snippet");
    expect(await detectMode("result = 'export default {}';")).toBe("snippet");
    expect(await detectMode("result = `\nexport default x\n`;")).toBe("snippet");
    expect(await detectMode("// export default {}\nresult = 1;")).toBe("snippet");
    expect(await detectMode("/*\nexport default {}\n*/\nresult = 1;")).toBe("snippet");
  });

  it("takes a snippet with a top-level return for a snippet", async () => {
    expect(await detectMode("return 1 + 1;")).toBe("snippet");
    expect(await detectMode("const x = prompt.length;\nif (x > 3) return 'long';\nreturn 'short';")).toBe("snippet");
  });

  it("takes unlexable code with a line starting export default for a module", async () => {
    expect(await detectMode("export default {\n  fetch() { return `x }\n}")).toBe("module");
    expect(await detectMode("const a = 1;\n  export default (")).toBe("module");
    expect(await detectMode("export default }")).toBe("module");
  });

  it("takes unlexable code without such a line for a snippet", async () => {
    expect(await detectMode("result = `unterminated")).toBe("snippet");
    expect(await detectMode("result = 'export default {'")).toBe("snippet");
    expect(await detectMode("x = 1; export default (")).toBe("snippet");
  });

  it("takes any code without the word export for a snippet (property)", async () => {
    const token = fc.constantFrom(
      "default",
      "import",
      "return",
      "function",
      "{",
      "}",
      "(",
      ")",
      "`",
      "'",
      '"',
      "/",
      "/*",
      "*/",
      "//",
      "\n",
      " ",
      ";",
      "=",
      "x",
      "exp",
      "ort",
      "${",
      "\\",
    );
    const code = fc.oneof(
      fc.string({ unit: "binary" }),
      fc.array(token, { maxLength: 40 }).map((tokens) => tokens.join("")),
    );
    await fc.assert(
      fc.asyncProperty(
        code.filter((text) => !text.includes("export")),
        async (text) => {
          expect(await detectMode(text)).toBe("snippet");
        },
      ),
      { numRuns: 300 },
    );
  });
});
