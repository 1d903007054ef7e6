import { beforeAll, describe, expect, it } from "vitest";
import type { CallAnswer, HistoryAnswer, ProgramAnswer, SubmitAnswer } from "../../src/base/answers";
import { call, expectError, newVisitor, postJson, recordOf, submitBody, unique } from "../support/workerd/api";

/** A module with every kind of callable export, and some that must never be reachable. */
const CALLABLE = `import { WorkerEntrypoint } from "cloudflare:workers";
export function add(a, b) { console.log("adding", a, b); return a + b; }
export const greet = async (name) => ({ hello: name });
export function fails() { null.boom; }
export function cycle() { const a = {}; a.self = a; return a; }
export function fn() { return () => 1; }
export function map() { return new Map([[1, 2]]); }
export function big() { return 10n; }
export function nan() { return [NaN]; }
export function never() { return new Promise(() => {}); }
export function huge() { return "x".repeat(2 * 1024 * 1024); }
export function echo(...args) { return args; }
export const notAFunction = 42;
export class Counter extends WorkerEntrypoint {
  async bump(by) { const n = ((await this.env.STORE.get("n")) ?? 0) + by; await this.env.STORE.put("n", n); return n; }
  get secret() { return "getter"; }
  static shout() { return "static"; }
}
export default { fetch() { return new Response("hi"); } };
`;

const ENTRYPOINT_DEFAULT = `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  fetch() { return new Response("ok"); }
  double(n) { return n * 2; }
}
`;

// The worker's first request starts it, which can take longer than a test on a busy machine.
beforeAll(() => call("/api/history"), 60_000);

async function stored(code: string): Promise<SubmitAnswer> {
  return submitBody({ code: unique(code), mode: "module" });
}

function callAs(hash: string, name: string, args: unknown, headers: Record<string, string> = {}) {
  return postJson(`/call/${hash}/${name}`, args, headers);
}

describe("POST /call/:hash/:name, hostile names", () => {
  it("never reaches an object's machinery, whatever the name", async () => {
    const { hash } = await stored(CALLABLE);
    for (const name of [
      "constructor",
      "__proto__",
      "prototype",
      "fetch",
      "toString",
      "hasOwnProperty",
      "default",
      "Counter.constructor",
      "Counter.fetch",
      "Counter.__proto__",
      "Counter.secret",
      "Counter.shout",
      "Counter.toString",
      "add.call",
      "nothing",
    ]) {
      const response = await callAs(hash, name, []);
      const error = await expectError(response, 404, "export_not_found");
      expect(error.message, name).not.toMatch(/internal/i);
    }
  });

  it("refuses a name that is no identifier, and a snippet's, before running anything", async () => {
    const { hash } = await stored(CALLABLE);
    await expectError(await callAs(hash, "a-b", []), 404, "export_not_found");
    await expectError(await callAs(hash, "a.b.c", []), 404, "export_not_found");
    const snippet = await submitBody({ code: unique("return 1;") });
    await expectError(await callAs(snippet.hash, "add", []), 404, "export_not_found");
  });

  it("refuses a value that is exported but not a function, and a class without its method", async () => {
    const { hash } = await stored(CALLABLE);
    await expectError(await callAs(hash, "notAFunction", []), 404, "export_not_found");
    const error = await expectError(await callAs(hash, "Counter", []), 404, "export_not_found");
    expect(error.message).toMatch(/Counter\.bump/);
  });
});

describe("POST /call/:hash/:name, hostile arguments and results", () => {
  it("takes only a JSON array of arguments", async () => {
    const { hash } = await stored(CALLABLE);
    await expectError(await callAs(hash, "add", { a: 1 }), 400, "invalid_args");
    await expectError(await callAs(hash, "add", "1,2"), 400, "invalid_args");
    const broken = await call(`/call/${hash}/add`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "[1,",
    });
    await expectError(broken, 400, "invalid_json");
  });

  it("refuses arguments over the run body limit before running", async () => {
    const { hash } = await stored(CALLABLE);
    const response = await callAs(hash, "echo", ["x".repeat(1024 * 1024 + 1)]);
    await expectError(response, 413, "body_too_large");
  });

  it("refuses results that are not JSON, saying where", async () => {
    const { hash } = await stored(CALLABLE);
    const cases: [string, RegExp][] = [
      ["cycle", /cycle/],
      ["fn", /function/],
      ["map", /Map/],
      ["big", /bigint/],
      ["nan", /NaN/],
    ];
    for (const [name, why] of cases) {
      const error = await expectError(await callAs(hash, name, []), 422, "result_not_json");
      expect(error.message, name).toMatch(why);
    }
  });

  it("answers no_response for an export that never returns", async () => {
    const { hash } = await stored(CALLABLE);
    await expectError(await callAs(hash, "never", []), 502, "no_response");
  });

  it("cuts a result over the response limit, as a run's answer", async () => {
    const { hash } = await stored(CALLABLE);
    const error = await expectError(await callAs(hash, "huge", []), 503, "limit_exceeded");
    expect(error.limit).toBe("responseBytes");
  });

  it("answers a throw as program_exception at the user's own line", async () => {
    const { hash } = await stored(CALLABLE);
    const error = await expectError(await callAs(hash, "fails", []), 502, "program_exception");
    expect(error.location).toMatchObject({ line: 4 });
  });

  it("passes arguments through as JSON, untouched", async () => {
    const { hash } = await stored(CALLABLE);
    const args = [{ __proto__: { polluted: true }, constructor: "x" }, [1, "two", null], "ü"];
    const response = await call(`/call/${hash}/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(args).replace('"constructor"', '"__proto__":{"polluted":true},"constructor"'),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as CallAnswer;
    expect((answer.result as unknown[])[1]).toEqual([1, "two", null]);
    expect(JSON.stringify(answer.result)).not.toMatch(/polluted":true}.*polluted/);
  });
});

describe("POST /call/:hash/:name", () => {
  it("calls a function export with its arguments, with the console and a history entry", async () => {
    const visitor = await newVisitor();
    const { hash } = await stored(CALLABLE);
    const response = await callAs(hash, "add", [2, 3], { cookie: visitor });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as CallAnswer;
    expect(answer).toMatchObject({ hash, name: "add", result: 5, status: 200, outcome: "ok" });
    expect(answer.console?.logs.map((entry) => entry.message)).toEqual(["adding 2 3"]);
    expect(response.headers.get("x-run-id")).toBe(answer.runId);
    const record = await recordOf(visitor, answer.runId);
    expect(record).toMatchObject({ hash, prompt: "add(2,3)", outcome: "ok" });
    const history = (await (await call("/api/history", { headers: { cookie: visitor } })).json()) as HistoryAnswer;
    expect(history.entries.map((entry) => entry.id)).toContain(answer.runId);
  });

  it("calls an async arrow export and a WorkerEntrypoint method with the run's own STORE", async () => {
    const { hash } = await stored(CALLABLE);
    const greeting = (await (await callAs(hash, "greet", ["ada"])).json()) as CallAnswer;
    expect(greeting.result).toEqual({ hello: "ada" });
    const first = (await (await callAs(hash, "Counter.bump", [2])).json()) as CallAnswer;
    const second = (await (await callAs(hash, "Counter.bump", [3])).json()) as CallAnswer;
    expect([first.result, second.result]).toEqual([2, 5]);
  });

  it("calls a method of a default-exported WorkerEntrypoint by its name", async () => {
    const { hash } = await stored(ENTRYPOINT_DEFAULT);
    const answer = (await (await callAs(hash, "double", [21])).json()) as CallAnswer;
    expect(answer.result).toBe(42);
    await expectError(await callAs(hash, "fetch", []), 404, "export_not_found");
  });

  it("calls a module that only exports functions (no fetch), in several TypeScript files", async () => {
    const submitted = await submitBody({
      files: {
        "src/index.ts": `export { scale } from "./math";\nexport { Shapes } from "./shapes";\nexport function sum(xs: number[]): number { return xs.reduce((a, b) => a + b, 0); }\n`,
        "src/math.ts": `export const scale = (x: number, by: number): number => x * by;\n// ${crypto.randomUUID()}\n`,
        "src/shapes.ts": `import { WorkerEntrypoint } from "cloudflare:workers";\nexport class Shapes extends WorkerEntrypoint {\n  area(w: number, h: number): number { return w * h; }\n}\n`,
      },
    });
    expect(submitted.loaded).toBe(true);
    const sum = (await (await callAs(submitted.hash, "sum", [[1, 2, 3]])).json()) as CallAnswer;
    expect(sum.result).toBe(6);
    const scaled = (await (await callAs(submitted.hash, "scale", [2, 4])).json()) as CallAnswer;
    expect(scaled.result).toBe(8);
    const program = (await (await call(`/api/programs/${submitted.hash}`)).json()) as ProgramAnswer;
    expect(program.exports.map((entry) => entry.name).sort()).toEqual(["Shapes.area", "scale", "sum"]);
    const area = (await (await callAs(submitted.hash, "Shapes.area", [3, 4])).json()) as CallAnswer;
    expect(area.result).toBe(12);
  });

  it("answers 404 for a program nobody stored", async () => {
    await expectError(await callAs("0".repeat(64), "add", []), 404, "program_not_found");
  });
});

describe("GET /api/programs/:hash lists callable exports", () => {
  it("lists function exports and entrypoint methods, never values, getters, statics or fetch", async () => {
    const { hash } = await stored(CALLABLE);
    const program = (await (await call(`/api/programs/${hash}`)).json()) as ProgramAnswer;
    const names = program.exports.map((entry) => entry.name);
    expect(names).toEqual(expect.arrayContaining(["add", "greet", "fails", "never", "echo", "Counter.bump"]));
    for (const hidden of [
      "notAFunction",
      "Counter.secret",
      "Counter.shout",
      "Counter.constructor",
      "default",
      "fetch",
    ]) {
      expect(names).not.toContain(hidden);
    }
  });

  it("lists a default entrypoint's methods by their own names, and nothing for a snippet", async () => {
    const { hash } = await stored(ENTRYPOINT_DEFAULT);
    const program = (await (await call(`/api/programs/${hash}`)).json()) as ProgramAnswer;
    expect(program.exports).toEqual([{ name: "double", kind: "method" }]);
    const snippet = await submitBody({ code: unique("return 1;") });
    const listed = (await (await call(`/api/programs/${snippet.hash}`)).json()) as ProgramAnswer;
    expect(listed.exports).toEqual([]);
  });
});
