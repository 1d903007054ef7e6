import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { PROGRAM_COMPATIBILITY_DATE } from "../../src/config/compatibility.ts";
import { lineFolder } from "../dev-line/line-folder.ts";
import { HEAP_MB } from "./limits.ts";

/**
 * Bundles the sandbox host worker (src/local/sandbox-host) and writes the workerd config that serves it
 * with a Worker Loader binding. Returns the config's path; the port is given on the command line.
 * It goes in this dev line's own folder under `outdir`: the supervisor starts runtimes from it all
 * along (a lane's first, a replacement).
 */
export async function buildSandboxHost(
  outdir: string,
  bindings: {
    /** Plain text bindings, written into the config. */
    text?: Record<string, string>;
    /** Secrets: bound from each runtime's environment (the supervisor passes them), never written to a file. */
    fromEnvironment?: readonly string[];
  } = {},
): Promise<string> {
  const dir = lineFolder(outdir);
  await build({
    entryPoints: ["src/local/sandbox-host/index.ts"],
    outfile: join(dir, "host.js"),
    bundle: true,
    format: "esm",
    target: "es2022",
    platform: "neutral",
    external: ["cloudflare:*"],
    logLevel: "warning",
  });
  const config = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "sandbox", worker = .host),
    (name = "internet", network = (allow = ["local"])),
  ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "sandbox") ],
  v8Flags = [ "--max-old-space-size=${HEAP_MB}" ],
);
const host :Workerd.Worker = (
  modules = [ (name = "host.js", esModule = embed "host.js") ],
  compatibilityDate = "${PROGRAM_COMPATIBILITY_DATE}",
  bindings = [
    (name = "LOADER", workerLoader = ()),
${Object.entries(bindings.text ?? {})
  .map(([name, value]) => `    (name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)}),`)
  .join("\n")}
${(bindings.fromEnvironment ?? [])
  .map((name) => `    (name = ${JSON.stringify(name)}, fromEnvironment = ${JSON.stringify(name)}),`)
  .join("\n")}
  ],
  globalOutbound = "internet",
);
`;
  const configPath = join(dir, "sandbox.capnp");
  writeFileSync(configPath, config);
  return configPath;
}
