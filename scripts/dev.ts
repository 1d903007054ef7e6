// `bun dev`: the playground on http://localhost:$PORT (default 8787). It starts the sandbox
// supervisor (programs run in their own supervised workerd), builds the app and the client, then
// serves the app with a plain workerd built from wrangler.jsonc. Ctrl-C (or SIGTERM) stops all of
// it before exiting.
import { randomUUID } from "node:crypto";
import { cpSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { build, context, stop as stopEsbuild } from "esbuild";
import { APP_SECRETS, buildApp, readWranglerConfig } from "./app/app-build.ts";
import { AppServer } from "./app/app-server.ts";
import { type ClientTarget, clientBuild } from "./build-client.ts";
import { lineFolder } from "./dev-line/line-folder.ts";
import { lockState } from "./dev-line/state-lock.ts";
import { buildSandboxHost } from "./sandbox/host-build.ts";
import { Supervisor } from "./sandbox/supervisor.ts";

const port = Number(process.env.PORT ?? "8787");
if (!Number.isInteger(port) || port < 1 || port > 65_535) {
  console.error(`PORT must be a port number, got "${process.env.PORT}"`);
  process.exit(2);
}
// Programs' answers are also served on a run origin of their own (src/config/origins.ts): another
// host than the playground's (127.0.0.1, not localhost), so they share no cookie with it.
const runPort = Number(process.env.RUN_PORT ?? String(port + 1));
if (!Number.isInteger(runPort) || runPort < 1 || runPort > 65_535 || runPort === port) {
  console.error(`RUN_PORT must be a port number other than PORT, got "${process.env.RUN_PORT}"`);
  process.exit(2);
}
const runOrigin = `http://127.0.0.1:${runPort}`;
// PERSIST_TO keeps programs and history somewhere other than .wrangler/state (the tests use their own).
const persistTo = process.env.PERSIST_TO ?? ".wrangler/state/promptlog";

// One line per state folder: refuse, with a clear message, to share it with a running line.
mkdirSync(persistTo, { recursive: true, mode: 0o700 });
const lock = lockState(persistTo);
if (typeof lock === "string") {
  console.error(lock);
  process.exit(1);
}
const stateLock: { release(): void } = lock;

// The workerd binary that the workerd package (wrangler's runtime) ships, run as it is.
const workerd: string = createRequire(import.meta.url)("workerd").default;

// The line's internal secret: the app, the supervisor and the sandbox runtimes answer one another
// only with it. Like every secret it reaches the processes in their environment (workerd's
// fromEnvironment bindings), which only their owner can read, and is never written to a file.
const internalSecret = randomUUID();
const supervisor = new Supervisor(
  workerd,
  await buildSandboxHost(".wrangler/sandbox", {
    text: {
      APP_URL: `http://localhost:${port}`,
      // The egress policy: EGRESS_ALLOW from wrangler.jsonc unless the environment sets it.
      EGRESS_ALLOW: process.env.EGRESS_ALLOW ?? String(readWranglerConfig().vars?.EGRESS_ALLOW ?? ""),
    },
    // SUPERVISOR_URL: where each runtime sends its runs' traces, set by the supervisor once it listens.
    fromEnvironment: ["INTERNAL_SECRET", "EGRESS_HEADERS", "SUPERVISOR_URL"],
  }),
  {
    secret: internalSecret,
    // The traces of the app's runs go back to it (src/local/trace-inbox.ts).
    appUrl: `http://localhost:${port}`,
    // The EGRESS_HEADERS secret only from the environment, never from a file in the repository.
    env: { INTERNAL_SECRET: internalSecret, EGRESS_HEADERS: process.env.EGRESS_HEADERS ?? "{}" },
    // The app binds these once the supervisor has started: a runtime that took one first would stop the line.
    reservedPorts: [port, runPort],
    // SANDBOX_INSPECTOR_PORT: the trusted lane's runtime opens its inspector there (docs/local-runtime.md, profiling).
    ...(process.env.SANDBOX_INSPECTOR_PORT ? { inspectorPort: Number(process.env.SANDBOX_INSPECTOR_PORT) } : {}),
  },
);
const sandboxUrl = await supervisor.start();

// The operator's secrets the app reads (docs/configuration.md), passed on when the environment has them.
const operatorSecrets = APP_SECRETS.filter((name) => process.env[name] !== undefined);

// The line's own client build, in its own folder with the checked-in static files beside it: two
// lines from one checkout never share build outputs (nor does a line share the release build).
const lineDir = lineFolder(".wrangler/app");
const publicDir = join(lineDir, "public");
const releaseAssets = resolve("public/assets");
cpSync("public", publicDir, { recursive: true, filter: (path) => !resolve(path).startsWith(releaseAssets) });
const clientTarget: ClientTarget = {
  outdir: join(publicDir, "assets"),
  manifest: join(lineDir, "assets.ts"),
  clean: false,
  // An edit to the client names new files: the app bundles the new manifest and starts again.
  onManifestChange: () => void rebuildApp(),
};
await build(clientBuild(clientTarget));

const buildOptions: Parameters<typeof buildApp>[0] = {
  outdir: ".wrangler/app",
  client: { publicDir, manifest: clientTarget.manifest },
  persistTo,
  sandboxUrl,
  secrets: ["INTERNAL_SECRET", ...operatorSecrets],
  // PROMPTLOG_RATE_LIMITS=off: for benchmarks, which are one client far past any sane limit.
  rateLimits: process.env.PROMPTLOG_RATE_LIMITS !== "off",
  vars: {
    NPM_REGISTRY: process.env.NPM_REGISTRY,
    RESPONSE_MAX_BYTES: process.env.RESPONSE_MAX_BYTES,
    RESPONSE_MAX_MS: process.env.RESPONSE_MAX_MS,
    REQUIRE_TOKEN: process.env.REQUIRE_TOKEN,
    RUN_ORIGIN: runOrigin,
    // Only the names this line was opened on: a page on another name for this machine reaches nothing.
    PLAYGROUND_HOSTS: `localhost:${port}`,
  },
  runPort,
};
const appConfig = await buildApp(buildOptions);
// esbuild's service keeps what it built: after the app's bundle (the worker bundler's WebAssembly
// among it) it held ~200 MiB. The client watch starts a fresh service that holds only the client.
await stopEsbuild();
// Watching starts with a build of its own (the same files, so nothing reloads; the language worker
// just built is reused, not built again), which the line waits for before it says it is ready, so
// that its first runs do not share the CPU with it.
const watched = clientBuild(clientTarget);
const watchBuilt = new Promise<void>((built) => {
  watched.plugins = [...(watched.plugins ?? []), { name: "watch-built", setup: (b) => b.onEnd(() => built()) }];
});
const client = await context(watched);
await client.watch();

async function rebuildApp() {
  await buildApp(buildOptions);
  if (await app.reload()) console.log("the page's code changed: the app serves the new build");
}

const app = new AppServer(
  {
    binary: workerd,
    configPath: appConfig,
    host: "localhost",
    port,
    healthPath: "/favicon.svg",
    env: { INTERNAL_SECRET: internalSecret },
    // APP_INSPECTOR_PORT: the app's workerd opens its inspector there (docs/local-runtime.md, profiling).
    ...(process.env.APP_INSPECTOR_PORT ? { inspectorPort: Number(process.env.APP_INSPECTOR_PORT) } : {}),
  },
  (reason) => {
    console.error(`the app server stopped: ${reason}`);
    void stop(1);
  },
);

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  await Promise.all([app.stop(), supervisor.stop(), client.dispose()]);
  stateLock.release();
  process.exit(code);
}
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));
// The dev process's own parent (bun, under `bun dev`) killed: nobody could stop this line any more.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void stop(0);
}, 1_000).unref();

// The app's workerd starts meanwhile.
await watchBuilt;
if (await app.waitUntilReady()) {
  console.log(
    `Promptlog is ready on http://localhost:${port}, answers also on ${runOrigin} (programs and history in ${persistTo})`,
  );
} else {
  console.error(`the app server did not start on port ${port}: ${app.lastWords() || "no message"}`);
  await stop(1);
}
