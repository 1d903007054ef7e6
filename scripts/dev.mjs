// `bun dev`: builds the client, then serves the playground with wrangler dev on $PORT (default 8787).
// Ctrl-C (or SIGTERM) stops wrangler and its runtime before this process exits.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { context } from "esbuild";
import { clientBuild } from "./client-build.mjs";

const port = process.env.PORT ?? "8787";
if (!/^\d+$/.test(port)) {
  console.error(`PORT must be a number, got "${port}"`);
  process.exit(2);
}

// Wrangler needs Node >= 22; the `node` devDependency provides it even when the shell's node is older.
const node = existsSync("node_modules/.bin/node") ? "node_modules/.bin/node" : process.execPath;

const client = await context(clientBuild);
await client.rebuild();
await client.watch();

const wrangler = spawn(
  node,
  [
    "node_modules/wrangler/bin/wrangler.js",
    "dev",
    "--port",
    port,
    "--show-interactive-dev-session=false",
    ...process.argv.slice(2),
  ],
  { stdio: "inherit", env: { WRANGLER_SEND_METRICS: "false", ...process.env } },
);

let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  wrangler.kill(signal);
}
process.on("SIGINT", () => stop("SIGINT"));
process.on("SIGTERM", () => stop("SIGTERM"));

wrangler.on("exit", async (code, signal) => {
  await client.dispose();
  process.exit(code ?? (signal ? 0 : 1));
});
