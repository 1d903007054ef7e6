import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, expectError, submit, unique } from "./helpers";

describe("the program store", () => {
  it("keeps a program durably: a new stub, after the object is evicted, still finds it", async () => {
    const code = unique("return 'still here';");
    const program = await submit(code);
    const stub = env.PROGRAMS.get(env.PROGRAMS.idFromName(program.hash));
    await evictDurableObject(stub).catch(() => undefined);
    const fresh = env.PROGRAMS.get(env.PROGRAMS.idFromName(program.hash));
    expect(await fresh.get(program.hash)).toEqual({ mode: "snippet", code });
    const response = await call(program.url);
    expect(await response.json()).toBe("still here");
  });

  it("spreads programs over one object each, not one global object", async () => {
    const a = await submit(unique("return 'a';"));
    const b = await submit(unique("return 'b';"));
    const idA = env.PROGRAMS.idFromName(a.hash);
    const idB = env.PROGRAMS.idFromName(b.hash);
    expect(idA.equals(idB)).toBe(false);
    expect(await env.PROGRAMS.get(idB).get(a.hash)).toBeNull();
  });

  it("serves the stored source back for the editor", async () => {
    const code = unique("export default { fetch() { return new Response('x') } }");
    const program = await submit(code);
    const response = await call(`/api/programs/${program.hash}`);
    expect(await response.json()).toEqual({ hash: program.hash, url: program.url, mode: "module", code });
    await expectError(await call(`/api/programs/${"f".repeat(64)}`), 404, "program_not_found");
    await expectError(await call("/api/programs/xyz"), 400, "invalid_hash");
  });

  it("refuses to run a stored program that no longer matches its hash", async () => {
    const program = await submit(unique("return 'original';"));
    const stub = env.PROGRAMS.get(env.PROGRAMS.idFromName(program.hash));
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE program SET code = ? WHERE hash = ?", "return 'tampered';", program.hash);
    });
    const error = await expectError(await call(program.url), 500, "internal_error");
    expect(error.message).not.toMatch(/tampered/);
  });

  it("keeps the first copy when the same program is submitted again", async () => {
    const code = unique("return 1;");
    const first = await submit(code);
    const again = await submit(code);
    expect(again.hash).toBe(first.hash);
    const stub = env.PROGRAMS.get(env.PROGRAMS.idFromName(first.hash));
    const rows = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql.exec("SELECT count(*) AS n FROM program").one(),
    );
    expect(rows.n).toBe(1);
  });
});
