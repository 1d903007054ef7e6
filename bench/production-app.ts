// The production path as a bench row: the app Cloudflare runs (src/index.ts, programs in its own
// Worker Loader) in ONE plain workerd process, with wrangler.jsonc's Durable Objects (SQLite, on disk)
// and vars. No sandbox supervisor, no second process: what `wrangler deploy` uploads, served locally.
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { build } from "esbuild";
import { readWranglerConfig, WORKER_BUILD, wasmModulesPlugin } from "../scripts/app/app-build.ts";
import { freePort } from "../scripts/workerd/free-port.ts";
import { WorkerdProcess } from "../scripts/workerd/process.ts";
import { countingEntry } from "./call-counter.ts";

const workerdBinary = (): string => createRequire(import.meta.url)("workerd").default;
const quote = (value: string) => JSON.stringify(value);

export interface ProductionApp {
  readonly origin: string;
  readonly pid: number | undefined;
  /** The Durable Objects' SQLite files, one folder per class (named by its uniqueKey). */
  readonly stateDir: string;
  stop(): Promise<void>;
}

/**
 * Bundles src/index.ts as wrangler does and serves it with workerd. Rate limits are left out (one
 * bench client is far past any per-client limit). `countCalls` wraps the entry so that it counts
 * every call into the app (bench/call-counter.ts): for the per-run counts only, never while timing.
 */
export async function startProductionApp(options: {
  dir: string;
  stateDir: string;
  countCalls?: boolean;
  /** Opens workerd's inspector on this port (profiling). */
  inspectorPort?: number;
}): Promise<ProductionApp> {
  const dir = resolve(options.dir);
  const state = resolve(options.stateDir);
  mkdirSync(dir, { recursive: true });
  mkdirSync(state, { recursive: true, mode: 0o700 });
  const config = readWranglerConfig();
  const { wasm, plugin: wasmModules } = wasmModulesPlugin();
  await build({
    ...(options.countCalls
      ? {
          stdin: {
            contents: countingEntry(
              resolve(config.main),
              (config.durable_objects?.bindings ?? []).map((ns) => ns.class_name),
            ),
            resolveDir: resolve("."),
            loader: "js",
          },
        }
      : { entryPoints: [config.main] }),
    ...WORKER_BUILD,
    outfile: join(dir, "app.js"),
    plugins: [wasmModules],
  });
  for (const [name, path] of wasm) copyFileSync(path, join(dir, name));

  const namespaces = config.durable_objects?.bindings ?? [];
  const bindings = [
    `(name = "LOADER", workerLoader = ())`,
    ...namespaces.map((ns) => `(name = ${quote(ns.name)}, durableObjectNamespace = ${quote(ns.class_name)})`),
    ...Object.entries(config.vars ?? {}).map(
      ([name, value]) => `(name = ${quote(name)}, json = ${quote(JSON.stringify(value))})`,
    ),
    ...(config.assets?.binding ? [`(name = ${quote(config.assets.binding)}, service = "public")`] : []),
  ];
  const modules = [
    '(name = "app.js", esModule = embed "app.js")',
    ...[...wasm.keys()].map((name) => `(name = ${quote(name)}, wasm = embed ${quote(name)})`),
  ];
  writeFileSync(
    join(dir, "production.capnp"),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "app", worker = .app),
    (name = "public", disk = (path = ${quote(resolve(config.assets?.directory ?? "public"))})),
    (name = "state", disk = (path = ${quote(state)}, writable = true)),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [
    (name = "http", address = "127.0.0.1:0", http = (), service = "app"),
  ],
);
const app :Workerd.Worker = (
  modules = [ ${modules.join(", ")} ],
  compatibilityDate = ${quote(config.compatibility_date)},
  compatibilityFlags = [${(config.compatibility_flags ?? []).map(quote).join(", ")}],
  bindings = [ ${bindings.join(",\n    ")} ],
  durableObjectNamespaces = [
    ${namespaces.map((ns) => `(className = ${quote(ns.class_name)}, uniqueKey = ${quote(`promptlog-${ns.class_name}`)}, enableSql = true)`).join(",\n    ")}
  ],
  durableObjectStorage = (localDisk = "state"),
  globalOutbound = "internet",
);
`,
  );
  const port = await freePort();
  const child = new WorkerdProcess({
    binary: workerdBinary(),
    configPath: join(dir, "production.capnp"),
    host: "127.0.0.1",
    port,
    // The page: the app's own route, no Durable Object touched but the visitor key's.
    healthPath: "/",
    inspectorPort: options.inspectorPort,
  });
  if (!(await child.waitUntilReady(30_000))) {
    await child.kill("crash");
    throw new Error(`the production app did not start: ${child.lastWords() || "no message"}`);
  }
  return {
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid,
    stateDir: state,
    stop: () => child.kill("stopped"),
  };
}
