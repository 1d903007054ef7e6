import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { AdminTokenListAnswer, HistoryAnswer, SubmitAnswer, TokenCreatedAnswer } from "../../src/base/answers.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";

const ADMIN_TOKEN = `admin-${crypto.randomUUID()}`;

/** `bun run token …` as the operator types it: the script in its own process, ADMIN_TOKEN in its environment. */
function token(args: string[], env: Record<string, string | undefined> = { ADMIN_TOKEN }) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      ["scripts/token.ts", ...args],
      { env: { PATH: process.env.PATH, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe("bun run token, against the dev line", () => {
  const server = devLineForSuite({ ADMIN_TOKEN });

  it("creates a token for a named owner that works on the API, lists it, and revokes it", async () => {
    const owner = `agent-${crypto.randomUUID().slice(0, 8)}`;
    const made = await token(["create", owner, "nightly", "--url", server.origin, "--json"]);
    expect(made, made.stderr).toMatchObject({ code: 0 });
    const created = JSON.parse(made.stdout) as TokenCreatedAnswer;
    expect(created.token).toMatch(/^pl_[\w-]{43}$/);
    const auth = { authorization: `Bearer ${created.token}` };

    const submitted = await fetch(`${server.origin}/submit`, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify({ code: `return prompt + "!"; // ${crypto.randomUUID()}` }),
    });
    const { url } = (await submitted.json()) as SubmitAnswer;
    const run = await fetch(`${server.origin}${url}?prompt=scripted`, { headers: auth });
    expect(await run.json()).toBe("scripted!");
    let entries: { prompt: string }[] = [];
    for (let attempt = 0; attempt < 50 && entries.length === 0; attempt++) {
      entries = ((await (await fetch(`${server.origin}/api/history`, { headers: auth })).json()) as HistoryAnswer)
        .entries;
    }
    expect(entries.map((e) => e.prompt)).toEqual(["scripted"]);

    const listed = await token(["list", owner, "--url", server.origin, "--json"]);
    expect(listed.code).toBe(0);
    const list = JSON.parse(listed.stdout) as AdminTokenListAnswer;
    expect(list.tokens.map((t) => [t.id, t.name, t.ownerName])).toEqual([[created.id, "nightly", owner]]);
    expect(listed.stdout).not.toContain(created.token);
    const plain = await token(["list", owner, "--url", server.origin]);
    expect(plain.stdout).toContain(created.id);

    const revoked = await token(["revoke", created.id, "--url", server.origin]);
    expect(revoked.code).toBe(0);
    const after = await fetch(`${server.origin}/api/history`, { headers: auth });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe("token_revoked");
    expect((await token(["revoke", created.id, "--url", server.origin])).code).toBe(1);
  });

  it("exits 1 when the server refuses, 2 for usage and transport errors", async () => {
    const wrong = await token(["list", "--url", server.origin], { ADMIN_TOKEN: `${ADMIN_TOKEN}-wrong` });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("admin_forbidden");
    expect((await token(["list", "--url", server.origin], {})).code).toBe(2);
    expect((await token(["frobnicate", "--url", server.origin])).code).toBe(2);
    expect((await token(["create", "only-owner", "--url", server.origin])).code).toBe(2);
    expect((await token(["list", "--url", "http://127.0.0.1:9"])).code).toBe(2);
  });
});
