// `bun dev`: the playground on $PORT (default 8787). It builds the client (and keeps rebuilding it),
// starts the sandbox supervisor with its separate runtime for programs, then `wrangler dev` for the
// app itself. Ctrl-C (or SIGTERM) stops all of it before this process exits.
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { context } from "esbuild";
import { clientBuild } from "./client-build.ts";
import { buildSandboxHost } from "./sandbox/host-build.ts";
import { Supervisor } from "./sandbox/supervisor.ts";

const port = process.env.PORT ?? "8787";
if (!/^\d+$/.test(port)) {
  console.error(`PORT must be a number, got "${port}"`);
  process.exit(2);
}

// The workerd binary that the workerd package (wrangler's runtime) ships, run as it is.
const workerd: string = createRequire(import.meta.url)("workerd").default;

const client = await context(clientBuild);
await client.rebuild();
await client.watch();

const supervisor = new Supervisor(workerd, await buildSandboxHost(".wrangler/sandbox"));
const sandboxUrl = await supervisor.start();

// PERSIST_TO keeps state somewhere other than .wrangler/state (the tests use their own folder).
const persist = process.env.PERSIST_TO ? ["--persist-to", process.env.PERSIST_TO] : [];
const wrangler = spawn(
  process.execPath,
  [
    "node_modules/wrangler/bin/wrangler.js",
    "dev",
    "--port",
    port,
    "--show-interactive-dev-session=false",
    "--var",
    `SANDBOX_URL:${sandboxUrl}`,
    ...persist,
    ...process.argv.slice(2),
  ],
  { stdio: "inherit", env: { WRANGLER_SEND_METRICS: "false", ...process.env } },
);

let stopping = false;
async function stop(signal: NodeJS.Signals) {
  if (stopping) return;
  stopping = true;
  wrangler.kill(signal);
  await supervisor.stop();
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));

wrangler.on("exit", async (code, signal) => {
  await supervisor.stop();
  await client.dispose();
  process.exit(code ?? (signal ? 0 : 1));
});
