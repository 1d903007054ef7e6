import { chmodSync, copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { type BuildOptions, build, type Plugin } from "esbuild";
import { parse } from "jsonc-parser";
import { lineFolder } from "../dev-line/line-folder.ts";

interface WranglerConfig {
  main: string;
  compatibility_date: string;
  compatibility_flags?: string[];
  vars?: Record<string, unknown>;
  assets?: { directory: string; binding?: string };
  durable_objects?: { bindings: { name: string; class_name: string }[] };
  ratelimits?: { name: string; namespace_id: string; simple: { limit: number; period: number } }[];
}

/** wrangler.jsonc as the local servers read it (bindings, vars, assets, rate limits). */
export function readWranglerConfig(path = "wrangler.jsonc"): WranglerConfig {
  return parse(readFileSync(path, "utf8")) as WranglerConfig;
}

/** Secrets the app reads when the operator sets them (wrangler secret put in production). */
export const APP_SECRETS = ["VISITOR_KEY", "ADMIN_TOKEN"] as const;

/** How a worker is bundled, as wrangler bundles it for workerd. */
export const WORKER_BUILD: BuildOptions = {
  bundle: true,
  format: "esm",
  target: "es2024",
  platform: "neutral",
  mainFields: ["module", "main"],
  conditions: ["workerd", "worker", "browser"],
  external: ["cloudflare:*", "node:*"],
  logLevel: "warning",
};

/**
 * WebAssembly the app imports (the worker bundler's esbuild) becomes a module of its own, as
 * wrangler's CompiledWasm rule makes it: `wasm` maps each module's name to its file, once built.
 */
export function wasmModulesPlugin(): { wasm: Map<string, string>; plugin: Plugin } {
  const wasm = new Map<string, string>();
  const plugin: Plugin = {
    name: "wasm-modules",
    setup(builder) {
      builder.onResolve({ filter: /\.wasm$/ }, (args) => {
        const path = resolve(args.resolveDir, args.path);
        wasm.set(basename(path), path);
        return { path: `./${basename(path)}`, external: true };
      });
    },
  };
  return { wasm, plugin };
}

const capnpString = (value: string) => JSON.stringify(value);

const LOCAL_MAIN = "src/local/app.ts";

/**
 * Builds the app for the local app server: the worker wrangler.jsonc describes, bundled as wrangler
 * bundles it, served by a plain workerd with the same Durable Objects (SQLite, on disk), vars and
 * static assets. Runs go to the sandbox runtime at sandboxUrl, so this process never runs a program.
 */
export async function buildApp(options: {
  outdir: string;
  persistTo: string;
  sandboxUrl: string;
  /**
   * Bindings the app reads from its process's environment (workerd's fromEnvironment): the line's
   * internal secret and the operator's secrets. Their values are never written to a file.
   */
  secrets: readonly string[];
  /** Leave the rate limits out (benchmarks drive one client far past them). */
  rateLimits?: boolean;
  /** vars of wrangler.jsonc to replace (from the environment). */
  vars?: Record<string, string | undefined>;
  /** The loopback port of the run origin (RUN_ORIGIN), which reaches the app without the assets. */
  runPort?: number;
  /**
   * The line's own client build (scripts/build-client.ts): the folder served as static assets, and
   * the manifest module the page's tags come from. Without it, the release build in public/.
   */
  client?: { publicDir: string; manifest: string };
  configPath?: string;
}): Promise<string> {
  const dir = lineFolder(options.outdir);
  const state = resolve(options.persistTo);
  // Programs, histories and STORE data: the line's owner's alone.
  mkdirSync(state, { recursive: true, mode: 0o700 });
  chmodSync(state, 0o700);
  const config = readWranglerConfig(options.configPath);

  const { wasm, plugin: wasmModules } = wasmModulesPlugin();
  // The page names the line's own client build, not the release one.
  const client = options.client;
  const lineManifest: Plugin = {
    name: "line-manifest",
    setup(builder) {
      if (!client) return;
      builder.onResolve({ filter: /^\.\/assets$/ }, (args) =>
        args.importer.endsWith(join("src", "ui", "page.tsx")) ? { path: resolve(client.manifest) } : undefined,
      );
    },
  };
  // The dev line's own entry (src/local/app.ts): the same app and classes as config.main, with the
  // local sandbox in place of the Worker Loader.
  await build({
    ...WORKER_BUILD,
    entryPoints: [LOCAL_MAIN],
    outfile: join(dir, "app.js"),
    plugins: [wasmModules, lineManifest],
  });
  for (const [name, path] of wasm) copyFileSync(path, join(dir, name));
  await build({ ...WORKER_BUILD, entryPoints: ["src/local/assets/index.ts"], outfile: join(dir, "assets.js") });
  await build({ ...WORKER_BUILD, entryPoints: ["src/local/ratelimit/index.ts"], outfile: join(dir, "ratelimit.js") });

  const namespaces = config.durable_objects?.bindings ?? [];
  const bindings = [
    ...namespaces.map(
      (ns) => `(name = ${capnpString(ns.name)}, durableObjectNamespace = ${capnpString(ns.class_name)})`,
    ),
    ...Object.entries({ ...config.vars, ...definedOnly(options.vars ?? {}) }).map(
      ([name, value]) => `(name = ${capnpString(name)}, json = ${capnpString(JSON.stringify(value))})`,
    ),
    `(name = "SANDBOX_URL", text = ${capnpString(options.sandboxUrl)})`,
    ...options.secrets.map((name) => `(name = ${capnpString(name)}, fromEnvironment = ${capnpString(name)})`),
    ...(config.assets?.binding ? [`(name = ${capnpString(config.assets.binding)}, service = "public")`] : []),
    ...(options.rateLimits === false ? [] : (config.ratelimits ?? [])).map((limiter) => {
      const props = JSON.stringify({ namespace: limiter.namespace_id, ...limiter.simple });
      return `(name = ${capnpString(limiter.name)}, service = (name = "ratelimit", entrypoint = "LocalRateLimit", props = (json = ${capnpString(props)})))`;
    }),
  ];
  const flags = (config.compatibility_flags ?? []).map(capnpString).join(", ");
  const capnp = `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "assets", worker = .assets),
    (name = "runs-front", worker = .runsFront),
    (name = "app", worker = .app),
    (name = "ratelimit", worker = .ratelimit),
    (name = "public", disk = (path = ${capnpString(resolve(options.client?.publicDir ?? config.assets?.directory ?? "public"))})),
    (name = "state", disk = (path = ${capnpString(state)}, writable = true)),
    (name = "internet", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [
    (name = "http", address = "localhost:8787", http = (), service = "assets"),
    ${options.runPort ? `(name = "runs", address = ${capnpString(`127.0.0.1:${options.runPort}`)}, http = (), service = "runs-front"),` : ""}
  ],
);
const assets :Workerd.Worker = (
  modules = [ (name = "assets.js", esModule = embed "assets.js") ],
  compatibilityDate = ${capnpString(config.compatibility_date)},
  bindings = [ (name = "PUBLIC", service = "public"), (name = "APP", service = "app") ],
);
const runsFront :Workerd.Worker = (
  modules = [ (name = "assets.js", esModule = embed "assets.js") ],
  compatibilityDate = ${capnpString(config.compatibility_date)},
  bindings = [ (name = "APP", service = "app") ],
);
const ratelimit :Workerd.Worker = (
  modules = [ (name = "ratelimit.js", esModule = embed "ratelimit.js") ],
  compatibilityDate = ${capnpString(config.compatibility_date)},
);
const app :Workerd.Worker = (
  modules = [
    ${['(name = "app.js", esModule = embed "app.js")', ...[...wasm.keys()].map((name) => `(name = ${capnpString(name)}, wasm = embed ${capnpString(name)})`)].join(",\n    ")}
  ],
  compatibilityDate = ${capnpString(config.compatibility_date)},
  compatibilityFlags = [${flags}],
  bindings = [
    ${bindings.join(",\n    ")}
  ],
  durableObjectNamespaces = [
    ${namespaces.map((ns) => `(className = ${capnpString(ns.class_name)}, uniqueKey = ${capnpString(`promptlog-${ns.class_name}`)}, enableSql = true)`).join(",\n    ")}
  ],
  durableObjectStorage = (localDisk = "state"),
  globalOutbound = "internet",
);
`;
  const configPath = join(dir, "app.capnp");
  writeFileSync(configPath, capnp);
  return configPath;
}

function definedOnly(vars: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(vars).filter((entry): entry is [string, string] => entry[1] !== undefined));
}
