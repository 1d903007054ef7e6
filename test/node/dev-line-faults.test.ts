import { afterEach, describe, expect, it } from "vitest";
import { type DevServer, groupProcesses, startDevServer, tempStateDir } from "../../scripts/dev-line/dev-server.ts";
import { freePort } from "../../scripts/workerd/free-port.ts";
import type { SubmitAnswer } from "../../src/base/answers.ts";
import { isAlive } from "../support/node/processes.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A program that keeps a counter in env.STORE: its answers show the data survived. */
const COUNTER =
  "export default { async fetch(req, env) { const n = Number((await env.STORE.get('n')) ?? '0') + 1; await env.STORE.put('n', String(n)); return new Response(String(n)); } }";

async function submit(origin: string, code: string): Promise<string> {
  const answer = await fetch(`${origin}/submit`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code }),
  });
  expect([200, 201]).toContain(answer.status);
  return ((await answer.json()) as SubmitAnswer).hash;
}

async function run(origin: string, hash: string): Promise<string> {
  const answer = await fetch(`${origin}/run/${hash}`, { signal: AbortSignal.timeout(10_000) });
  expect(answer.status).toBe(200);
  return answer.text();
}

/** Polls until `ready` holds or `withinMs` has passed; answers how long it took, or undefined. */
async function until(ready: () => boolean | Promise<boolean>, withinMs: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < withinMs) {
    if (await ready()) return Date.now() - started;
    await sleep(50);
  }
  return undefined;
}

async function serves(origin: string): Promise<boolean> {
  try {
    return (await fetch(`${origin}/`, { signal: AbortSignal.timeout(1_000) })).status === 200;
  } catch {
    return false;
  }
}

describe("the dev line under faults (real processes, real signals)", () => {
  const lines: DevServer[] = [];
  afterEach(async () => {
    for (const line of lines.splice(0)) await line.stop();
  });

  it("starts the app's workerd again within 5 s when it dies, and keeps its data", async () => {
    const line = await startDevServer({ persistTo: tempStateDir() });
    lines.push(line);
    const hash = await submit(line.origin, COUNTER);
    expect(await run(line.origin, hash)).toBe("1");
    const app = groupProcesses(line.process.pid ?? 0).find((process) =>
      /workerd serve .*app\.capnp/.test(process.args),
    );
    expect(app).toBeDefined();
    process.kill(app?.pid ?? 0, "SIGKILL");
    const back = await until(async () => !isAlive(app?.pid ?? 0) && (await serves(line.origin)), 5_000);
    expect(back, `the app was not serving again within 5 s:\n${line.output().slice(-2_000)}`).toBeDefined();
    // The same program and its STORE data, through the sandbox runtime that stayed up.
    expect(await run(line.origin, hash)).toBe("2");
  });

  it("leaves no process running when the dev process is killed with SIGKILL, and a plain restart works", async () => {
    const port = await freePort();
    const persistTo = tempStateDir();
    const line = await startDevServer({ port, persistTo });
    lines.push(line);
    const hash = await submit(line.origin, COUNTER);
    expect(await run(line.origin, hash)).toBe("1");
    const before = groupProcesses(line.process.pid ?? 0);
    const dev = before.find((process) => /scripts\/dev\.ts/.test(process.args));
    const workerds = before.filter((process) => /workerd serve/.test(process.args));
    expect(dev).toBeDefined();
    expect(workerds.length).toBeGreaterThanOrEqual(2);

    process.kill(dev?.pid ?? 0, "SIGKILL");
    const gone = await until(() => before.every((process) => !isAlive(process.pid)), 10_000);
    const left = before.filter((process) => isAlive(process.pid));
    expect(gone, `still running: ${left.map((process) => process.args).join("\n")}`).toBeDefined();

    // The same port and state folder, as a user just runs the line again.
    const again = await startDevServer({ port, persistTo });
    lines.push(again);
    expect(await run(again.origin, hash)).toBe("2");
  });

  it("refuses, with a clear message, to share its state folder with a running line", async () => {
    const persistTo = tempStateDir();
    const first = await startDevServer({ persistTo });
    lines.push(first);
    const hash = await submit(first.origin, COUNTER);
    const second = startDevServer({ persistTo });
    await expect(second).rejects.toThrow(/Another bun dev \(pid \d+\) is using .* PERSIST_TO/);
    // The first line's data is untouched and it still serves.
    expect(await run(first.origin, hash)).toBe("1");
    expect(await run(first.origin, hash)).toBe("2");
  });
});
