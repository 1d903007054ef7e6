import { readdirSync, readFileSync, statSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/dev-line/readme-lines.ts";
import type { ErrorAnswer } from "../../src/base/answers.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";
import { environOf, listeningPorts, postRunReports } from "../support/node/processes.ts";

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** A raw request, so Host and the method are exactly what an attacker sends. */
function raw(origin: string, method: string, path: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(origin);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const outgoing = request({ host: hostname, port, method, path, headers }, (answer) => {
        let body = "";
        answer.on("data", (chunk) => {
          body += chunk;
        });
        answer.on("end", () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body }));
      });
      outgoing.on("error", reject);
      outgoing.end();
    },
  );
}

describe("the dev line's surface, as a local attacker meets it", () => {
  const server = devLineForSuite();

  it("serves only its own hosts: a rebound name gets 421, on the playground's port and the run origin's", async () => {
    for (const origin of [server.origin, server.runOrigin]) {
      const answer = await raw(origin, "GET", "/api/history", { host: "attacker.example" });
      expect(answer.status).toBe(421);
      expect((JSON.parse(answer.body) as ErrorAnswer).error.code).toBe("misdirected_request");
      expect(answer.headers["set-cookie"]).toBeUndefined();
    }
    expect((await raw(server.origin, "GET", "/api/history", { host: new URL(server.origin).host })).status).toBe(200);
  });

  it("answers methods a path does not have with 405 and Allow", async () => {
    const put = await raw(server.origin, "PUT", "/submit");
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe("POST");
  });

  it("writes no secret to a file: its processes get them in their environment, which only their owner reads", () => {
    const processes = server.processes();
    const app = processes.find((process) => /workerd serve .*app\.capnp/.test(process.args));
    const sandbox = processes.find((process) => /workerd serve .*sandbox\.capnp/.test(process.args));
    expect(app && sandbox).toBeTruthy();
    const secret = environOf(app?.pid ?? 0).INTERNAL_SECRET ?? "";
    expect(secret).toMatch(/^[0-9a-f-]{36}$/);
    expect(environOf(sandbox?.pid ?? 0).INTERNAL_SECRET).toBe(secret);
    const dev = processes.find((process) => /scripts\/dev\.ts/.test(process.args));
    const files = ["app", "sandbox"].flatMap((kind) => filesUnder(`${ROOT}.wrangler/${kind}/line-${dev?.pid}`));
    expect(files.some((file) => file.endsWith("app.capnp"))).toBe(true);
    for (const file of files) expect(readFileSync(file, "latin1").includes(secret), file).toBe(false);
    const capnp = readFileSync(files.find((file) => file.endsWith("app.capnp")) ?? "", "utf8");
    expect(capnp).toContain('(name = "INTERNAL_SECRET", fromEnvironment = "INTERNAL_SECRET")');
    // Nor does anyone else's process see it on a command line.
    for (const process of processes) expect(process.args.includes(secret)).toBe(false);
  });

  it("answers on its internal ports (supervisor, sandbox runtimes) only requests with the line's secret", async () => {
    const processes = server.processes();
    const publicPorts = [server.origin, server.runOrigin].map((origin) => Number(new URL(origin).port));
    const internal = processes.flatMap((process) =>
      listeningPorts(process.pid)
        .filter((port) => !publicPorts.includes(port))
        .map((port) => ({ port, args: process.args })),
    );
    // The supervisor (in the dev process) and at least the probation lane's runtime.
    expect(internal.some(({ args }) => /scripts\/dev\.ts/.test(args))).toBe(true);
    expect(internal.some(({ args }) => /sandbox\.capnp/.test(args))).toBe(true);
    for (const { port, args } of internal) {
      const origin = `http://127.0.0.1:${port}`;
      for (const [method, path] of [
        ["GET", "/health"],
        ["GET", "/logs/some-run"],
        ["POST", "/execute"],
        ["POST", "/prepare"],
        ["POST", "/traces"],
        ["POST", "/runs"],
        ["GET", "/verdict/1"],
      ] as const) {
        const answer = await raw(origin, method, path, { "x-promptlog-program": "ab".repeat(32) });
        expect(answer.status, `${method} ${path} on ${port} (${args})`).toBe(403);
        const forged = await raw(origin, method, path, { "x-promptlog-internal": "0".repeat(36) });
        expect(forged.status, `${method} ${path} on ${port} with a wrong secret`).toBe(403);
      }
    }
    // With the secret (as the line itself sends it) a runtime answers: the check is what refused.
    const app = processes.find((process) => /workerd serve .*app\.capnp/.test(process.args));
    const secret = environOf(app?.pid ?? 0).INTERNAL_SECRET ?? "";
    const runtime = internal.find(({ args }) => /sandbox\.capnp/.test(args));
    const health = await raw(`http://127.0.0.1:${runtime?.port}`, "GET", "/health", { "x-promptlog-internal": secret });
    expect(health.status).toBe(200);
  });

  it("keeps the app's STORE relay, trace inbox and table of lanes closed to callers without the secret", async () => {
    for (const path of ["/internal/store", "/internal/traces", "/internal/lanes"]) {
      const answer = await raw(server.origin, "POST", path, { "content-type": "application/json" });
      expect(answer.status, path).toBe(404);
      const forged = await raw(server.origin, "POST", path, {
        "content-type": "application/json",
        "x-promptlog-internal": "0".repeat(36),
      });
      expect(forged.status, `${path} with a wrong secret`).toBe(404);
    }
  });

  it("takes no table of lanes that points a run anywhere but a runtime on this machine, even with the secret", async () => {
    const app = server.processes().find((process) => /workerd serve .*app\.capnp/.test(process.args));
    const secret = environOf(app?.pid ?? 0).INTERNAL_SECRET ?? "";
    for (const url of ["http://attacker.example:80", "http://127.0.0.1.attacker.example:80", "https://127.0.0.1:443"]) {
      const table = {
        full: true,
        lanes: { probation: url, trusted: null, heavy: null, quarantine: null },
        programs: [],
      };
      const answer = await fetch(`${server.origin}/internal/lanes`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-promptlog-internal": secret },
        body: JSON.stringify(table),
      });
      expect(answer.status, url).toBe(400);
      expect(((await answer.json()) as ErrorAnswer).error.code).toBe("invalid_request");
    }
    // The line's own table still holds: runs still answer.
    const submitted = await fetch(`${server.origin}/submit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: 'export default { fetch() { return new Response("still here") } }' }),
    });
    const { url } = (await submitted.json()) as { url: string };
    expect(await (await fetch(`${server.origin}${url}`)).text()).toBe("still here");
  });

  it("takes malformed run reports without losing track of runs, even with the secret", async () => {
    const dev = server.processes().find((process) => /scripts\/dev\.ts/.test(process.args));
    const supervisorPort = listeningPorts(dev?.pid ?? 0)[0];
    expect(supervisorPort).toBeDefined();
    const post = (body: string) => postRunReports(server.processes(), body);
    expect(await post("not json")).toBe(400);
    expect(await post(JSON.stringify({ reports: "all of them" }))).toBe(400);
    // Each report is checked where it is used: the wrong types, an unknown runtime, a hash that is not
    // one, a run id past its bound, a run nobody started. None of them is followed.
    const junk = [
      null,
      { kind: "started", runId: 7, hash: "ab".repeat(32), port: 1, at: 0 },
      { kind: "started", runId: "r1", hash: "ab".repeat(32), port: 1, at: 0 },
      { kind: "started", runId: "r2", hash: "../../etc", port: supervisorPort, at: 0 },
      { kind: "started", runId: "x".repeat(10_000), hash: "ab".repeat(32), port: supervisorPort, at: 0 },
      { kind: "answered", runId: "never-started", at: Date.now(), wallMs: -5 },
      { kind: "exploded", runId: "r3", at: 0 },
    ];
    expect(await post(JSON.stringify({ reports: junk }))).toBe(204);
    const submitted = await fetch(`${server.origin}/submit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: 'export default { fetch() { return new Response("still followed") } }' }),
    });
    const { url } = (await submitted.json()) as { url: string };
    for (let run = 0; run < 3; run++)
      expect(await (await fetch(`${server.origin}${url}`)).text()).toBe("still followed");
  });

  it("serves the page's code from its own build, not the checkout's public/assets", async () => {
    const dev = server.processes().find((process) => /scripts\/dev\.ts/.test(process.args));
    const html = await (await fetch(`${server.origin}/`)).text();
    const script = /<script type="module" src="\/assets\/([\w.-]+\.js)"/.exec(html)?.[1] ?? "";
    expect(script).not.toBe("");
    expect(statSync(`${ROOT}.wrangler/app/line-${dev?.pid}/public/assets/${script}`).isFile()).toBe(true);
    expect((await fetch(`${server.origin}/assets/${script}`)).status).toBe(200);
  });

  it("keeps what it generates in folders only its owner can enter", () => {
    const dev = server.processes().find((process) => /scripts\/dev\.ts/.test(process.args));
    expect(dev).toBeDefined();
    for (const kind of ["app", "sandbox"]) {
      const folder = `${ROOT}.wrangler/${kind}/line-${dev?.pid}`;
      expect(statSync(folder).mode & 0o777, folder).toBe(0o700);
      expect(readdirSync(folder).some((file) => file.endsWith(".capnp"))).toBe(true);
    }
  });
});
