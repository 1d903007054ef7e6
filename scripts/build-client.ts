// The playground's browser code and styles, built into public/assets and served by the assets
// binding. `bun run build` (and dev, test, deploy before them) runs this file; bun dev watches it.
//
// What the page needs to paint (app-<hash>.js, its shared chunks, app-<hash>.css) is all that loads
// first; the language service's page side and Prettier are chunks loaded after the first paint, and
// TypeScript itself runs in a worker bundle of its own. Every name carries its content's hash, so
// they are served immutable; a manifest module (ClientTarget.manifest) names the current ones for the
// page's tags.
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { basename, join, resolve } from "node:path";
import { type BuildOptions, build, type Metafile, type OutputFile, type Plugin } from "esbuild";

const PUBLIC_PATH = "/assets";

/** Where a build goes: its files, and the manifest module the app bundles for the page's tags. */
export interface ClientTarget {
  readonly outdir: string;
  readonly manifest: string;
  /** Remove the files of earlier builds (a release: a deploy uploads the whole folder). */
  readonly clean: boolean;
  /** Called when a build names other files than the one before (the app must bundle the new manifest). */
  readonly onManifestChange?: () => void;
}

/**
 * What `bun run build` makes, for deploys and the tests inside workerd: public/assets, and the
 * manifest beside src/ui/page.tsx (checked in; every release build rewrites it). A dev line builds
 * into a folder of its own instead (scripts/dev.ts), so lines never share build outputs.
 */
export const RELEASE: ClientTarget = { outdir: "public/assets", manifest: "src/ui/assets.ts", clean: true };
const LIB_DIR = "node_modules/typescript/lib";
const WORKERS_TYPES = "node_modules/@cloudflare/workers-types/index.d.ts";

/** What the page's tags name: its script, its style, and the chunks its script imports at once. */
export interface AssetManifest {
  readonly script: string;
  readonly style: string;
  readonly preload: readonly string[];
}

const shared: BuildOptions = {
  bundle: true,
  minify: true,
  format: "esm",
  target: "es2022",
  sourcemap: true,
  legalComments: "external",
  logLevel: "warning",
  metafile: true,
  // Written by writeOutputs, not esbuild: several dev lines may build at once while serving.
  write: false,
};

/**
 * A content-hashed name always holds the same bytes, so a file already there is left alone, and a
 * new one appears whole (written aside, then renamed): a dev line serving public/assets while
 * another one builds never serves half a file.
 */
function writeOutputs(files: readonly OutputFile[] | undefined, outdir: string) {
  mkdirSync(outdir, { recursive: true });
  for (const file of files ?? []) {
    if (existsSync(file.path)) continue;
    const aside = `${file.path}.${process.pid}.tmp`;
    writeFileSync(aside, file.contents);
    renameSync(aside, file.path);
  }
}

/**
 * The lib .d.ts files the language service needs (ES2023, as the Workers runtime has it, no DOM),
 * found by following each file's `/// <reference lib>` lines, and the Workers types, as one module.
 */
export function typeLibraries(): Record<string, string> {
  const files: Record<string, string> = {};
  const pending = ["es2023"];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    const file = `lib.${name}.d.ts`;
    if (`/${file}` in files) continue;
    const text = readFileSync(join(LIB_DIR, file), "utf8");
    files[`/${file}`] = text;
    for (const match of text.matchAll(/^\/\/\/ <reference lib="([^"]+)" \/>/gm)) pending.push(match[1] as string);
  }
  files["/workers-types.d.ts"] = readFileSync(WORKERS_TYPES, "utf8");
  return files;
}

/** The worker's stand-in module (src/client/language/type-libraries.ts) gets the files' text. */
const typeLibrariesPlugin: Plugin = {
  name: "type-libraries",
  setup(builder) {
    builder.onLoad({ filter: /[\\/]language[\\/]type-libraries\.ts$/ }, () => ({
      contents: `export default ${JSON.stringify(typeLibraries())};`,
      loader: "js",
      watchFiles: [WORKERS_TYPES],
    }));
  },
};

/** A plugin that makes the modules whose import path matches `filter` empty. */
function emptyModules(name: string, filter: RegExp): Plugin {
  return {
    name,
    setup(builder) {
      builder.onResolve({ filter }, (args) => ({ path: args.path, namespace: "empty" }));
      builder.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "module.exports = {};", loader: "js" }));
    },
  };
}

/**
 * Node's modules, which TypeScript and @typescript/vfs reach for only when they run under Node,
 * are empty in the worker.
 */
const noNodeModules = emptyModules(
  "no-node-modules",
  /^(node:)?(fs|path|os|crypto|perf_hooks|inspector|source-map-support)$/,
);

/**
 * @valtown/codemirror-ts says it has no side effects, but its built ESM folder has a package.json
 * of its own that does not: without this, the page's side would bundle TypeScript (~3.5 MB) for
 * two constants of modules it never calls.
 */
const codemirrorTsWithoutSideEffects: Plugin = {
  name: "codemirror-ts-side-effects",
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === "codemirror-ts" || !args.importer.includes("@valtown/codemirror-ts")) return undefined;
      const resolved = await builder.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: "codemirror-ts",
      });
      if (resolved.errors.length > 0 || !resolved.path.includes("@valtown/codemirror-ts")) return undefined;
      return { ...resolved, sideEffects: false };
    });
  },
};

/**
 * The page's side imports TypeScript only through those modules, so nothing of it is left in the
 * page's bundle. Parsing it anyway is what a watching esbuild keeps: 9 MB of source held ~130 MiB of
 * a dev line's memory. Empty here, it is parsed only for the language worker's build, which keeps
 * nothing. Were anything on the page to reach it, the page's output would change (its names are
 * hashes of its content) and the page's tests would fail.
 */
const noTypeScriptOnThePage = emptyModules("no-typescript-on-the-page", /^typescript$/);

/** The output of `entry` (a path relative to the root) in a metafile, as a URL path. */
function outputOf(metafile: Metafile, entry: string, extension: string): { url: string; imports: string[] } {
  const found = Object.entries(metafile.outputs).find(
    ([path, output]) => output.entryPoint === entry && path.endsWith(extension),
  );
  if (!found) throw new Error(`no output for ${entry}`);
  const [path, output] = found;
  const imports = output.imports.filter((item) => item.kind === "import-statement").map((item) => item.path);
  return {
    url: `${PUBLIC_PATH}/${basename(path)}`,
    imports: imports.map((item) => `${PUBLIC_PATH}/${basename(item)}`),
  };
}

/** The language worker's last build into a folder: what it was built from, and what it named. */
interface WorkerBuild {
  readonly stamp: string;
  readonly url: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}
const workerBuilds = new Map<string, WorkerBuild>();

/** When and how big each of the worker's own files was: it changes with any edit to them. */
function stampOf(inputs: readonly string[]): string {
  return inputs
    .map((path) => {
      try {
        const stat = statSync(path);
        return `${path}:${stat.mtimeMs}:${stat.size}`;
      } catch {
        return `${path}:gone`;
      }
    })
    .join("\n");
}

/**
 * Builds the language worker first (before each build of the page's code, in watch mode too) and
 * gives the page's stand-in module (src/client/language/worker-url.ts) its hashed URL. A build
 * whose worker files are as they were last time into the same folder reuses that worker: parsing
 * TypeScript again took ~1.7 s of CPU at a dev line's start, and left a watching esbuild holding
 * ~180 MiB more.
 */
function languageWorkerPlugin(written: Set<string>, target: ClientTarget): Plugin {
  let url = `${PUBLIC_PATH}/language-worker.js`;
  let inputs: readonly string[] = [];
  return {
    name: "language-worker",
    setup(builder) {
      builder.onStart(async () => {
        const last = workerBuilds.get(target.outdir);
        if (last && last.stamp === stampOf(last.inputs) && existsSync(join(target.outdir, basename(last.url)))) {
          ({ url, inputs } = last);
          for (const name of last.outputs) written.add(name);
          return;
        }
        const result = await build({
          ...shared,
          entryPoints: { "language-worker": "src/client/language/worker.ts" },
          entryNames: "[name]-[hash]",
          outdir: target.outdir,
          plugins: [typeLibrariesPlugin, noNodeModules],
        });
        writeOutputs(result.outputFiles, target.outdir);
        const metafile = result.metafile as Metafile;
        url = outputOf(metafile, "src/client/language/worker.ts", ".js").url;
        inputs = Object.keys(metafile.inputs)
          .filter((path) => !path.startsWith("node_modules/"))
          .map((path) => resolve(path));
        const outputs = Object.keys(metafile.outputs).map((path) => basename(path));
        for (const name of outputs) written.add(name);
        workerBuilds.set(target.outdir, { stamp: stampOf(inputs), url, inputs, outputs });
      });
      builder.onLoad({ filter: /[\\/]language[\\/]worker-url\.ts$/ }, () => ({
        contents: `export const LANGUAGE_WORKER_URL = ${JSON.stringify(url)};`,
        loader: "ts",
        // In watch mode, an edit to the worker's own code rebuilds it too.
        watchFiles: [...inputs],
      }));
    },
  };
}

/** The manifest as a module, formatted as `biome format` would write it (it is checked in). */
export function manifestModule(manifest: AssetManifest): string {
  const quoted = manifest.preload.map((url) => JSON.stringify(url));
  const oneLine = `  preload: [${quoted.join(", ")}],`;
  const preload =
    oneLine.length <= 120 ? oneLine : `  preload: [\n${quoted.map((url) => `    ${url},\n`).join("")}  ],`;
  return [
    "// Written by scripts/build-client.ts at every build: the page's script, its style and the chunks the",
    "// script imports at once, by their content-hashed names (served immutable). Not edited by hand.",
    "export const ASSETS: { readonly script: string; readonly style: string; readonly preload: readonly string[] } = {",
    `  script: ${JSON.stringify(manifest.script)},`,
    `  style: ${JSON.stringify(manifest.style)},`,
    preload,
    "};",
    "",
  ].join("\n");
}

function manifestPlugin(written: Set<string>, target: ClientTarget): Plugin {
  return {
    name: "asset-manifest",
    setup(builder) {
      builder.onEnd((result) => {
        if (result.errors.length > 0 || !result.metafile) return;
        writeOutputs(result.outputFiles, target.outdir);
        for (const path of Object.keys(result.metafile.outputs)) written.add(basename(path));
        const script = outputOf(result.metafile, "src/client/app.ts", ".js");
        const style = outputOf(result.metafile, "src/client/app.css", ".css");
        const text = manifestModule({ script: script.url, style: style.url, preload: script.imports });
        let before = "";
        try {
          before = readFileSync(target.manifest, "utf8");
        } catch {
          // first build
        }
        if (text !== before) {
          writeFileSync(target.manifest, text);
          if (before !== "") target.onManifestChange?.();
        }
        // A dev line keeps its earlier builds while it lives: a page loaded before a rebuild may
        // still load a chunk of its own build.
        if (target.clean) {
          for (const name of readdirSync(target.outdir)) {
            if (!written.has(name)) unlinkSync(join(target.outdir, name));
          }
        }
        written.clear();
      });
    },
  };
}

/** The build of the page's code and styles into `target`. */
export function clientBuild(target: ClientTarget = RELEASE): BuildOptions {
  const written = new Set<string>();
  return {
    ...shared,
    entryPoints: ["src/client/app.ts", "src/client/app.css"],
    outdir: target.outdir,
    splitting: true,
    entryNames: "[name]-[hash]",
    chunkNames: "[name]-[hash]",
    assetNames: "[name]-[hash]",
    plugins: [
      languageWorkerPlugin(written, target),
      codemirrorTsWithoutSideEffects,
      noTypeScriptOnThePage,
      manifestPlugin(written, target),
    ],
  };
}

if (import.meta.main) await build(clientBuild());
