import { afterAll, describe, expect, it } from "vitest";
import { cpuMs } from "../../bench/cpu.ts";
import { members } from "../../bench/processes.ts";
import {
  type DevServer,
  groupMembers,
  groupProcesses,
  startDevServer,
  tempStateDir,
} from "../../scripts/dev-line/dev-server.ts";
import { freePort } from "../../scripts/workerd/free-port.ts";
import type { HistoryAnswer, SubmitAnswer } from "../../src/base/answers.ts";

const REFERENCE_MODULE =
  "export default { async fetch(req) { const { searchParams } = new URL(req.url); const prompt = searchParams.get('q') ?? 'Hello'; return new Response(prompt.toUpperCase(), { headers: { 'content-type': 'text/plain' } }); } }";

describe("the README's dev line, over real HTTP", () => {
  const persistTo = tempStateDir();
  let server: DevServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it("says it is ready only once its own builds are over: nothing builds beside a user's first runs", async () => {
    const line = await startDevServer({ persistTo: tempStateDir() });
    try {
      expect(line.output()).toContain("Promptlog is ready on");
      // The client's watcher starts with a build of its own. Before the line waited for it, it ran for
      // the first seconds after the page answered, beside the first runs.
      const esbuild = groupProcesses(line.process.pid ?? 0).filter(({ args }) => /esbuild/.test(args));
      expect(esbuild.length).toBeGreaterThan(0);
      const before = esbuild.map(({ pid }) => cpuMs(pid));
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const spent = esbuild.reduce((sum, { pid }, index) => sum + cpuMs(pid) - (before[index] ?? 0), 0);
      // Its polling for edits costs about 10 ms a second.
      expect(spent).toBeLessThan(300);
      // The watcher reuses the language worker built just before, so it never parses TypeScript: when
      // it did, its esbuild held ~270 MiB (~90 now), and a 20-program sweep of the whole line passed 1 GiB.
      const held = members(line.process.pid ?? 0).filter(({ command }) => /esbuild/.test(command));
      expect(held.reduce((sum, { rssMib }) => sum + rssMib, 0)).toBeLessThan(160);
    } finally {
      await line.stop();
    }
  });

  it("serves the page, submits and runs a program, and keeps it across a restart", async () => {
    const port = await freePort();
    server = await startDevServer({ port, persistTo });
    const page = await fetch(`${server.origin}/`);
    const html = await page.text();
    expect(html).toContain("Promptlog");
    // The page hands out the signed visitor cookie; runs sent without one are recorded nowhere.
    const cookie = /promptlog_visitor=[^;]+/.exec(page.headers.get("set-cookie") ?? "")?.[0] ?? "";
    expect(cookie).not.toBe("");
    // The line's own build of the page's code, by its content-hashed names.
    const stylesheet = /<link rel="stylesheet" href="(\/assets\/app-[\w-]+\.css)"/.exec(html)?.[1];
    expect(stylesheet).toBeDefined();
    const css = await fetch(`${server.origin}${stylesheet}`);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toMatch(/text\/css/);

    const submitted = await fetch(`${server.origin}/submit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: REFERENCE_MODULE }),
    });
    expect([200, 201]).toContain(submitted.status);
    const { url, hash } = (await submitted.json()) as SubmitAnswer;
    expect(hash).toMatch(/^[0-9a-f]{64}$/);

    const run = await fetch(`${server.origin}${url}?prompt=over%20http`, { headers: { cookie } });
    expect(run.status).toBe(200);
    expect(await run.text()).toBe("OVER HTTP");
    expect(run.headers.get("set-cookie")).toBeNull();

    let entries: { prompt: string }[] = [];
    for (let attempt = 0; attempt < 50 && entries.length === 0; attempt++) {
      const history = await fetch(`${server.origin}/api/history`, { headers: { cookie } });
      entries = ((await history.json()) as HistoryAnswer).entries;
    }
    expect(entries.map((entry) => entry.prompt)).toEqual(["over http"]);

    const pgid = server.process.pid ?? 0;
    await server.stop();
    expect(groupMembers(pgid)).toEqual([]);

    server = await startDevServer({ port, persistTo });
    const again = await fetch(`${server.origin}${url}?q=after%20restart`);
    expect(await again.text()).toBe("AFTER RESTART");
    // The cookie was signed with the line's key, kept on disk: after the restart it is still this visitor's.
    const history = await fetch(`${server.origin}/api/history`, { headers: { cookie } });
    expect(history.headers.get("set-cookie")).toBeNull();
    expect(((await history.json()) as HistoryAnswer).entries[0]?.prompt).toBe("over http");
  });
});
