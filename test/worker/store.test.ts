import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { shardName } from "../../src/store/program-store";
import { call, expectError, submit, unique } from "../support/workerd/api";

const shardOf = (hash: string) => env.PROGRAMS.get(env.PROGRAMS.idFromName(shardName(hash)));

describe("the program store", () => {
  it("keeps a program durably: a new stub, after the object is evicted, still finds it", async () => {
    const code = unique("return 'still here';");
    const program = await submit(code);
    await evictDurableObject(shardOf(program.hash)).catch(() => undefined);
    const fresh = shardOf(program.hash);
    expect(await fresh.get(program.hash)).toEqual({ mode: "snippet", code });
    const response = await call(program.url);
    expect(await response.json()).toBe("still here");
  });

  it("spreads programs over 256 objects by their leading hex digits, not one global object", async () => {
    const programs = await Promise.all(Array.from({ length: 40 }, (_, i) => submit(unique(`return ${i};`))));
    const shards = new Set(programs.map((program) => shardName(program.hash)));
    expect(shards.size).toBeGreaterThan(20);
    for (const name of shards) expect(name).toMatch(/^programs-[0-9a-f]{2}$/);
    const [first] = programs;
    const elsewhere = programs.find((program) => shardName(program.hash) !== shardName(first?.hash ?? ""));
    expect(await shardOf(first?.hash ?? "").get(first?.hash ?? "")).not.toBeNull();
    expect(await shardOf(elsewhere?.hash ?? "").get(first?.hash ?? "")).toBeNull();
  });

  it("serves the stored source back for the editor", async () => {
    const code = unique("export default { fetch() { return new Response('x') } }");
    const program = await submit(code);
    const response = await call(`/api/programs/${program.hash}`);
    expect(await response.json()).toEqual({
      hash: program.hash,
      url: program.url,
      mode: "module",
      network: false,
      code,
      exports: [],
    });
    await expectError(await call(`/api/programs/${"f".repeat(64)}`), 404, "program_not_found");
    await expectError(await call("/api/programs/xyz"), 400, "invalid_hash");
  });

  it("refuses to run a stored program that no longer matches its hash", async () => {
    // Stored behind this isolate's back (a submit would keep the verified original in the isolate).
    const original = { code: unique("return 'original';"), mode: "snippet" };
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(original)));
    const hash = [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
    await runInDurableObject(shardOf(hash), (_instance, state) => {
      state.storage.sql.exec(
        "INSERT INTO program (hash, mode, code, network, created_at) VALUES (?, 'snippet', ?, 0, 0)",
        hash,
        "return 'tampered';",
      );
    });
    const error = await expectError(await call(`/run/${hash}`), 500, "internal_error");
    expect(error.message).not.toMatch(/tampered/);
  });

  it("runs the copy it verified or stored, whatever happens to the row later", async () => {
    const program = await submit(unique("return 'original';"));
    await runInDurableObject(shardOf(program.hash), (_instance, state) => {
      state.storage.sql.exec("UPDATE program SET code = ? WHERE hash = ?", "return 'tampered';", program.hash);
    });
    expect(await (await call(program.url)).json()).toBe("original");
  });

  it("keeps the first copy when the same program is submitted again", async () => {
    const code = unique("return 1;");
    const first = await submit(code);
    const again = await submit(code);
    expect(again.hash).toBe(first.hash);
    const rows = await runInDurableObject(shardOf(first.hash), (_instance, state) =>
      state.storage.sql.exec("SELECT count(*) AS n FROM program WHERE hash = ?", first.hash).one(),
    );
    expect(rows.n).toBe(1);
  });
});
