import { describe, expect, it } from "vitest";
import { call, submit, unique } from "../support/workerd/api";

const COUNTER = `export default { async fetch(req, env) {
  const count = ((await env.STORE.get("count")) ?? 0) + 1;
  await env.STORE.put("count", count);
  await env.STORE.put("last", { prompt: new URL(req.url).searchParams.get("q") });
  return Response.json({ count, keys: await env.STORE.list(), last: await env.STORE.get("last") });
} }`;

async function json(url: string) {
  const response = await call(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe("env.STORE", () => {
  it("keeps a program's state between runs", async () => {
    const program = await submit(unique(COUNTER));
    expect((await json(`${program.url}?q=one`)).body).toEqual({
      count: 1,
      keys: ["count", "last"],
      last: { prompt: "one" },
    });
    expect((await json(`${program.url}?q=two`)).body).toMatchObject({ count: 2, last: { prompt: "two" } });
  });

  it("is scoped to the program's own hash: another program sees none of it", async () => {
    const writer = await submit(unique(COUNTER));
    await json(writer.url);
    const reader = await submit(
      unique(
        `export default { async fetch(req, env) { return Response.json({ keys: await env.STORE.list(), count: await env.STORE.get("count") }) } }`,
      ),
    );
    expect((await json(reader.url)).body).toEqual({ keys: [], count: null });
  });

  it("offers nothing but its four methods", async () => {
    const program = await submit(
      unique(`export default { async fetch(req, env) {
        const tries = {};
        for (const name of ["apply", "ctx", "env", "backend", "fetch", "constructor"]) {
          try { await env.STORE[name]({ op: "list" }); tries[name] = "called"; }
          catch (error) { tries[name] = "refused"; }
        }
        return Response.json(tries);
      } }`),
    );
    const { body } = await json(program.url);
    expect(body).toEqual({
      apply: "refused",
      ctx: "refused",
      env: "refused",
      backend: "refused",
      fetch: "refused",
      constructor: "refused",
    });
  });

  it("answers clear errors at its quotas and for bad keys or values", async () => {
    // Over several runs: one run may make at most 100 STORE calls (test/worker/hostile-programs.test.ts).
    const program = await submit(
      unique(`export default { async fetch(req, env) {
        const step = new URL(req.url).searchParams;
        const results = {};
        async function attempt(name, work) { try { await work(); results[name] = "ok"; } catch (error) { results[name] = error.message; } }
        if (step.get("step") === "bytes") {
          await attempt("bigValue", () => env.STORE.put("big", "x".repeat(70 * 1024)));
          await attempt("emptyKey", () => env.STORE.put("", 1));
          await attempt("undefinedValue", () => env.STORE.put("k", undefined));
          for (let i = 0; i < 17; i++) await env.STORE.put("fill" + i, "y".repeat(60 * 1024));
          await attempt("tooMuch", () => env.STORE.put("one-more", "z".repeat(60 * 1024)));
          for (let i = 0; i < 17; i++) await env.STORE.delete("fill" + i);
        } else if (step.get("step") === "keys") {
          const from = Number(step.get("from"));
          for (let i = from; i < Math.min(from + 90, 1000); i++) await env.STORE.put("k" + i, i);
        } else {
          await attempt("tooMany", () => env.STORE.put("k1000", 1));
          await attempt("overwrite", () => env.STORE.put("k999", "still fits"));
        }
        return Response.json(results);
      } }`),
    );
    const bytes = await json(`${program.url}?step=bytes`);
    expect(bytes.status).toBe(200);
    expect(bytes.body.bigValue).toMatch(/at most 64 KiB/);
    expect(bytes.body.emptyKey).toMatch(/non-empty/);
    expect(bytes.body.undefinedValue).toMatch(/JSON/);
    expect(bytes.body.tooMuch).toMatch(/at most 1 MiB/);
    for (let from = 0; from < 1000; from += 90) {
      expect((await json(`${program.url}?step=keys&from=${from}`)).status).toBe(200);
    }
    const keys = await json(`${program.url}?step=last`);
    expect(keys.body.tooMany).toMatch(/at most 1000 keys/);
    expect(keys.body.overwrite).toBe("ok");
  });
});
