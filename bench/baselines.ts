// The two baselines the benchmark compares the project with, built from our own dependencies:
// raw workerd running a minimal loader worker (the runtime's limit here), and a server that starts
// a fresh Node process for every run (the container-like baseline).
import { execFile } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../scripts/workerd/free-port.ts";
import { WorkerdProcess } from "../scripts/workerd/process.ts";
import { PREPARE_RUN, RUN_MARKER } from "../src/sandbox/telemetry/run-marker.ts";

const run = promisify(execFile);
const workerdBinary = (): string => createRequire(import.meta.url)("workerd").default;

/** GET /warm runs one cached program; GET /cold?n= loads a never-seen one; GET /load?n= caches program n. */
const LOADER_WORKER = `
const program = (n) => ({
  compatibilityDate: "2026-10-01",
  mainModule: "p.js",
  modules: { "p.js": "export default { fetch(req) { return new Response('program ' + " + JSON.stringify(String(n)) + " + ' ' + new URL(req.url).searchParams.get('q')) } }" },
  globalOutbound: null,
});
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const n = url.searchParams.get("n") ?? "warm";
    if (url.pathname === "/health") return new Response("ok");
    const worker = url.pathname === "/cold" ? env.LOADER.load(program(n)) : env.LOADER.get("p" + n, () => program(n));
    return worker.getEntrypoint().fetch("http://p/?q=x");
  },
};`;

/**
 * The same, with what every run of ours needs on top of the runtime itself: the program behind a
 * runner entrypoint answering over RPC (how it ended, whether warm), the run marker and a tail
 * reading it (the console), and the answer's body within the byte and time caps (a small whole body
 * as bytes, any other through a counting stream). No app, no validation, no history: the ceiling of
 * the production path.
 */
const PROTOCOL_WORKER = `
import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
const MARKER = ${JSON.stringify(RUN_MARKER)};
const LOAD = ${JSON.stringify(PREPARE_RUN)};
const runner = (n) => "import { WorkerEntrypoint } from 'cloudflare:workers';" +
  "const program = { fetch(req) { return new Response('program ' + " + JSON.stringify(String(n)) + " + ' ' + new URL(req.url).searchParams.get('q')) } };" +
  "let warm = false;" +
  "export default class extends WorkerEntrypoint { ready() { console.debug(" + JSON.stringify(MARKER) + ", " + JSON.stringify(LOAD) + "); return { kind: 'ready' }; } async run(request, runId) { console.debug(" + JSON.stringify(MARKER) + ", runId); const was = warm; warm = true;" +
  " try { return { kind: 'ok', response: await program.fetch(request), warm: was }; } catch (e) { return { kind: 'exception', message: String(e), warm: was }; } } }";
// A submit stores the program durably (a SQLite Durable Object, one of 256 shards by its hash, as
// ProgramStore) and, meanwhile, loads its isolate, so that its first run is warm.
export class Store extends DurableObject {
  constructor(ctx, env) { super(ctx, env); ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS program (hash TEXT PRIMARY KEY, code TEXT NOT NULL)"); }
  put(hash, code) { return this.ctx.storage.sql.exec("INSERT INTO program (hash, code) VALUES (?, ?) ON CONFLICT (hash) DO NOTHING", hash, code).rowsWritten > 0; }
}
async function submit(n, env, ctx) {
  const code = runner(n);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(code)));
  const hash = [...digest].map((b) => b.toString(16).padStart(2, "0")).join("");
  const [created, ready] = await Promise.all([
    env.STORE.get(env.STORE.idFromName(hash.slice(0, 2))).put(hash, code),
    env.LOADER.get("p" + n, () => program(n, ctx)).getEntrypoint().ready(),
  ]);
  return Response.json({ hash, created, ready: ready.kind === "ready" }, { status: created ? 201 : 200 });
}
export class Tail extends WorkerEntrypoint { tail(events) { for (const event of events) event.logs.find((log) => log.message[0] === MARKER); } }
const program = (n, ctx) => ({
  compatibilityDate: "2026-10-01",
  mainModule: "r.js",
  modules: { "r.js": runner(n) },
  globalOutbound: null,
  tails: [ctx.exports.Tail({ props: {} })],
});
// As src/respond/program-response.ts: a small body whole within 2 ms goes out as its bytes, any
// other streams through a counting stream with a deadline.
function capped(reader, pending, seen) {
  let bytes = 0;
  scheduler.wait(30000).then(() => reader.cancel("too slow"));
  return new ReadableStream({
    async pull(controller) {
      const chunk = seen.shift();
      const { done, value } = chunk ? { done: false, value: chunk } : await (pending ?? reader.read());
      pending = null;
      if (done) return controller.close();
      bytes += value.byteLength;
      if (bytes > 16777216) return controller.error(new Error("too large"));
      controller.enqueue(value);
    },
  });
}
async function bounded(body) {
  const reader = body.getReader();
  const late = scheduler.wait(2).then(() => null);
  const seen = [];
  let bytes = 0;
  for (;;) {
    const next = reader.read();
    const read = await Promise.race([next, late]);
    if (read === null) return capped(reader, next, seen);
    if (read.done) return seen.length === 1 ? seen[0] : new Blob(seen);
    seen.push(read.value);
    bytes += read.value.byteLength;
    if (bytes > 65536) return capped(reader, null, seen);
  }
}
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    const n = url.searchParams.get("n") ?? "warm";
    if (url.pathname === "/health") return new Response("ok");
    if (url.pathname === "/submit") return submit(n, env, ctx);
    const worker = url.pathname === "/cold" ? env.LOADER.load(program(n, ctx)) : env.LOADER.get("p" + n, () => program(n, ctx));
    const outcome = await worker.getEntrypoint().run(new Request("http://p/?q=x"), crypto.randomUUID());
    if (outcome.kind !== "ok") return Response.json(outcome, { status: 500 });
    return new Response(await bounded(outcome.response.body), { status: outcome.response.status, headers: { "content-type": "text/plain" } });
  },
};`;

export interface Baseline {
  readonly origin: string;
  readonly pid: number | undefined;
  /** The forwarding workerd in front, for the one-hop row (its CPU is part of every run). */
  readonly frontPid?: number | undefined;
  stop(): Promise<void>;
}

/** Raw workerd and a loader worker; `protocol`: with our run protocol on top (PROTOCOL_WORKER). */
export async function startRawWorkerd(dir: string, options: { protocol?: boolean } = {}): Promise<Baseline> {
  const folder = resolve(dir);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, "loader.js"), options.protocol ? PROTOCOL_WORKER : LOADER_WORKER);
  const disk = join(folder, "disk");
  if (options.protocol) {
    // The protocol's submit stores on disk, as the dev line does (a fresh folder: every shard is new).
    rmSync(disk, { recursive: true, force: true });
    mkdirSync(disk);
  }
  const store = options.protocol
    ? {
        service: `, (name = "disk", disk = (path = ${JSON.stringify(disk)}, writable = true))`,
        binding: `, (name = "STORE", durableObjectNamespace = "Store")`,
        worker: `
  durableObjectNamespaces = [ (className = "Store", uniqueKey = "bench-store", enableSql = true) ],
  durableObjectStorage = (localDisk = "disk"),`,
      }
    : { service: "", binding: "", worker: "" };
  writeFileSync(
    join(folder, "raw.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .main)${store.service} ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const main :Workerd.Worker = (
  modules = [ (name = "loader.js", esModule = embed "loader.js") ],
  compatibilityDate = "2026-10-01",
  bindings = [ (name = "LOADER", workerLoader = ())${store.binding} ],${store.worker}
);
`,
  );
  const raw = await serve(join(folder, "raw.capnp"));
  return { origin: raw.origin, pid: raw.process.pid, stop: () => raw.process.kill("stopped") };
}

/**
 * The floor for any design that keeps the app in another process than the programs (as the local
 * runaway protection must): a second workerd that only forwards every request to raw workerd.
 */
export async function startOneHop(dir: string, upstream: Baseline): Promise<Baseline> {
  const folder = resolve(dir);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, "front.js"),
    `export default { fetch(request, env) { const url = new URL(request.url); return env.UP.fetch("http://up" + url.pathname + url.search); } };`,
  );
  writeFileSync(
    join(folder, "front.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .main), (name = "up", external = (address = "${new URL(upstream.origin).host}", http = ())) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const main :Workerd.Worker = (
  modules = [ (name = "front.js", esModule = embed "front.js") ],
  compatibilityDate = "2026-10-01",
  bindings = [ (name = "UP", service = "up") ],
);
`,
  );
  const front = await serve(join(folder, "front.capnp"));
  // The isolates live upstream: memory is measured there.
  return {
    origin: front.origin,
    pid: upstream.pid,
    frontPid: front.process.pid,
    stop: () => front.process.kill("stopped"),
  };
}

/** Every run is a new `node` process: the program's answer is what it prints. */
export async function startProcessPerRun(): Promise<Baseline> {
  const program = "process.stdout.write('program ' + process.argv[1] + ' ' + process.argv[2])";
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://x");
    if (url.pathname === "/health") return void response.end("ok");
    const { stdout } = await run(process.execPath, ["-e", program, url.searchParams.get("n") ?? "warm", "x"]);
    response.end(stdout);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    pid: process.pid,
    stop: () => new Promise((done) => server.close(() => done())),
  };
}

/** `workerd serve` of a config on a free loopback port, once it answers /health. */
async function serve(configPath: string): Promise<{ origin: string; process: WorkerdProcess }> {
  const port = await freePort();
  const child = new WorkerdProcess({
    binary: workerdBinary(),
    configPath,
    host: "127.0.0.1",
    port,
    healthPath: "/health",
  });
  if (!(await child.waitUntilReady(5_000))) {
    await child.kill("crash");
    throw new Error(`workerd did not serve ${configPath}: ${child.lastWords() || "no message"}`);
  }
  return { origin: `http://127.0.0.1:${port}`, process: child };
}
