import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ErrorAnswer } from "../../src/base/answers";
import { call, expectError, postJson, submitBody, unique } from "../support/workerd/api";
import { REGISTRY, registryHandler } from "../support/workerd/registry";

// Served by this test's own registry; "unreachable-pkg" fails at the network, "missing-pkg" is a 404.
const GREET = {
  name: "tiny-greet",
  version: "1.2.3",
  files: {
    "package.json": JSON.stringify({ name: "tiny-greet", version: "1.2.3", main: "index.js" }),
    "index.js": "module.exports = function greet(name) { return 'hello, ' + name; };",
  },
};

beforeEach(async () => {
  const serve = await registryHandler([GREET]);
  const realFetch = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.pathname.startsWith("/unreachable-pkg")) throw new TypeError("Network connection lost.");
    return serve(url) ?? realFetch(input, init);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("TypeScript and multi-file programs", () => {
  it("runs a two-file TypeScript module with an interface, an enum and a relative import", async () => {
    const program = await submitBody({
      files: {
        "src/index.ts": unique(
          `import { shout, Tone } from "./util";\ninterface Reply { text: string; tone: Tone }\nexport default {\n  fetch(request: Request): Response {\n    const reply: Reply = { text: shout(new URL(request.url).searchParams.get("q") ?? ""), tone: Tone.Loud };\n    return Response.json(reply);\n  },\n};`,
        ),
        "src/util.ts":
          "export enum Tone { Quiet = 1, Loud = 2 }\nexport function shout(text: string): string {\n  return text.toUpperCase() + '!';\n}\n",
      },
    });
    expect(program).toMatchObject({ mode: "module", main: "src/index.ts", loaded: true });
    expect(await (await call(`${program.url}?q=hi`)).json()).toEqual({ text: "HI!", tone: 2 });
  });

  it("imports JSON and text files", async () => {
    const program = await submitBody({
      files: {
        "index.ts": unique(
          `import config from "./config.json";\nimport note from "./note.txt";\nexport default { fetch() { return Response.json({ limit: config.limit, note }) } };`,
        ),
        "config.json": JSON.stringify({ limit: 3 }),
        "note.txt": "plain words",
      },
    });
    expect(await (await call(program.url)).json()).toEqual({ limit: 3, note: "plain words" });
  });

  it("answers 422 naming a missing relative import, with its file and line", async () => {
    const response = await postJson("/submit", {
      files: {
        "src/index.ts": unique(
          `import { helper } from "./helpers";\nexport default { fetch() { return new Response(helper()) } };`,
        ),
      },
    });
    const error = await expectError(response, 422, "import_not_found");
    expect(error.specifier).toBe("./helpers");
    expect(error.location).toMatchObject({ file: "src/index.ts", line: 1 });
    expect(error.message).toMatch(/src\/index\.ts:1:\d+: Cannot resolve import "\.\/helpers"/);
  });

  it("answers 422 naming an npm package the registry cannot give", async () => {
    for (const name of ["unreachable-pkg", "missing-pkg"]) {
      const response = await postJson("/submit", {
        files: {
          "index.ts": unique(
            `import thing from "${name}";\nexport default { fetch() { return new Response(String(thing)) } };`,
          ),
          "package.json": JSON.stringify({ dependencies: { [name]: "^1.0.0" } }),
        },
      });
      const error = await expectError(response, 422, "dependency_unavailable");
      expect(error.package).toBe(name);
      expect(error.message).toContain(name);
    }
  });

  it("bundles a package from the registry; the same file set in another order hashes the same", async () => {
    const index = unique(
      `import greet from "tiny-greet";\nexport default { fetch(req: Request) { return new Response(greet(new URL(req.url).searchParams.get("q") ?? "")) } };`,
    );
    const manifest = JSON.stringify({ dependencies: { "tiny-greet": "^1.0.0" } });
    const program = await submitBody({ files: { "index.ts": index, "package.json": manifest } });
    expect(await (await call(`${program.url}?q=ada`)).text()).toBe("hello, ada");
    const reordered = await submitBody({ files: { "package.json": manifest, "index.ts": index }, main: "index.ts" });
    expect(reordered.hash).toBe(program.hash);
  });

  it("names the second file and its line for a syntax error there", async () => {
    const response = await postJson("/submit", {
      files: {
        "src/index.ts": unique(
          `import { value } from "./second";\nexport default { fetch() { return new Response(String(value)) } };`,
        ),
        "src/second.ts": "export const ok = 1;\n\nexport const value = (;\n",
      },
    });
    const error = await expectError(response, 422, "compile_error");
    expect(error.location).toMatchObject({ file: "src/second.ts", line: 3 });
    expect(error.message).toMatch(/^src\/second\.ts:3:\d+: /);
  });

  it("builds once at submit time: warm runs of a bundled program do no compile work", async () => {
    // Only a build asks the registry for tiny-greet: counting those requests counts builds.
    const registryAsks = () =>
      vi
        .mocked(globalThis.fetch)
        .mock.calls.filter(([input]) =>
          String(input instanceof Request ? input.url : input).startsWith(`${REGISTRY}/tiny-greet`),
        ).length;
    const files = {
      "index.ts": unique(
        `import greet from "tiny-greet";\nlet runs: number = 0;\nexport default { fetch() { return new Response(greet(String(++runs))) } };`,
      ),
      "package.json": JSON.stringify({ dependencies: { "tiny-greet": "1.2.3" } }),
    };
    const program = await submitBody({ files });
    const asked = registryAsks();
    expect(asked).toBeGreaterThan(0);
    for (const expected of ["hello, 1", "hello, 2", "hello, 3"]) {
      expect(await (await call(program.url)).text()).toBe(expected);
    }
    // Submitting the same program again (files in another order) reuses what was built.
    await submitBody({ files: { "package.json": files["package.json"], "index.ts": files["index.ts"] } });
    expect(registryAsks()).toBe(asked);
    vi.restoreAllMocks(); // the registry is gone: a run that installed or built anything would fail
    expect(await (await call(program.url)).text()).toBe("hello, 4");
  });

  it("refuses files with a path outside the program, and code with files", async () => {
    await expectError(
      await postJson("/submit", { files: { "../escape.ts": "export default {}" } }),
      400,
      "invalid_request",
    );
    await expectError(await postJson("/submit", { files: { "/abs.ts": "export default {}" } }), 400, "invalid_request");
    await expectError(
      await postJson("/submit", { code: "return 1;", files: { "index.ts": "export default {}" } }),
      400,
      "invalid_request",
    );
    const noMain = (await (
      await postJson("/submit", { files: { "lib/a.ts": "export default {}" } })
    ).json()) as ErrorAnswer;
    expect(noMain.error.code).toBe("invalid_request");
    expect(noMain.error.message).toMatch(/main/);
  });
});

describe("one-file TypeScript (language: ts)", () => {
  it("runs a TypeScript module and a TypeScript snippet; type errors do not block", async () => {
    const module = await submitBody({
      code: unique(
        `enum Level { Low, High }\nconst wrong: number = "types are not checked" as any;\nexport default { fetch(): Response { return Response.json({ level: Level.High, wrong }) } };`,
      ),
      language: "ts",
    });
    expect(module).toMatchObject({ mode: "module", language: "ts", loaded: true });
    expect(await (await call(module.url)).json()).toEqual({ level: 1, wrong: "types are not checked" });

    const snippet = await submitBody({
      code: unique("const n: number = prompt.length;\nreturn n as number;"),
      language: "ts",
    });
    expect(snippet.mode).toBe("snippet");
    expect(await (await call(`${snippet.url}?prompt=abcd`)).json()).toBe(4);
  });

  it("answers 422 with the line and column of a TypeScript syntax error, in the user's own lines", async () => {
    const error = await expectError(
      await postJson("/submit", { code: unique("const a: number = 1;\nconst = 2;"), language: "ts" }),
      422,
      "compile_error",
    );
    expect(error.location).toMatchObject({ file: "snippet", line: 2, column: 7 });
    const first = await expectError(
      await postJson("/submit", { code: "const x: number = ;", language: "ts" }),
      422,
      "compile_error",
    );
    expect(first.location).toMatchObject({ line: 1, column: 19 });
  });

  it("points runtime errors at the user's own file, line and column, not at the bundle", async () => {
    const program = await submitBody({
      files: {
        "src/index.ts": unique(
          `import { parse } from "./parse";\nexport default { fetch(request: Request): Response { return Response.json(parse(new URL(request.url).searchParams.get("q") || null)) } };`,
        ),
        "src/parse.ts": `export interface Parsed { words: string[] }\n\nexport function parse(text: string | null): Parsed {\n  const words: string[] = text!.split(" ");\n  return { words };\n}`,
      },
      main: "src/index.ts",
    });
    expect(await (await call(`${program.url}?q=a%20b`)).json()).toEqual({ words: ["a", "b"] });
    const error = await expectError(await call(program.url), 502, "program_exception");
    // V8 points at "split", column 33 of the user's line (the compiled line lost ": string[]" and "!").
    expect(error.location).toEqual({ file: "src/parse.ts", line: 4, column: 33 });
    expect(error.stack).toMatch(/src\/parse\.ts:4:33/);
    expect(error.stack).toMatch(/src\/index\.ts:2:\d+/);
    expect(error.stack).not.toMatch(/bundle\.js/);
  });

  it("gives one-file TypeScript runtime errors the user's columns, where stripped types moved them", async () => {
    const module = await submitBody({
      code: unique(
        `const limit: number = 2;\nexport default { fetch(): Response { const items: string[] = []; return Response.json((items as any).oops.length + limit) } };`,
      ),
      language: "ts",
    });
    const error = await expectError(await call(module.url), 502, "program_exception");
    expect(error.location).toEqual({ line: 2, column: 107 });
    const snippet = await submitBody({
      code: unique(`const n: number = prompt.length; return (null as any).x + n;`),
      language: "ts",
      mode: "snippet",
    });
    const snippetError = await expectError(await call(snippet.url), 502, "program_exception");
    expect(snippetError.location).toEqual({ line: 1, column: 55 });
  });

  it("hashes language with the code: the same text as JavaScript is another program", async () => {
    const code = unique("return 1;");
    const asTs = await submitBody({ code, language: "ts" });
    const asJs = await submitBody({ code });
    expect(asTs.hash).not.toBe(asJs.hash);
    expect(REGISTRY).toMatch(/^https:/);
  });
});
