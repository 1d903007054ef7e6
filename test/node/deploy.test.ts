import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/dev-line/readme-lines.ts";
import { INTERNAL_SECRET_HEADER, OUTCOME_HEADER, STORE_PATH, WARM_HEADER } from "../../src/local/protocol.ts";

const run = promisify(execFile);

/** wrangler's report of what it would upload, and the worker bundle itself. */
async function dryRun(config: string): Promise<{ stdout: string; bundle: string }> {
  const outdir = mkdtempSync(join(tmpdir(), "promptlog-dry-run-"));
  const { stdout } = await run(
    process.execPath,
    ["node_modules/wrangler/bin/wrangler.js", "deploy", "--dry-run", "--config", config, "--outdir", outdir],
    {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    },
  );
  return { stdout, bundle: readFileSync(join(outdir, "index.js"), "utf8") };
}

/** The source modules in a bundle: wrangler's esbuild heads each one with a `// path` comment. */
function bundledModules(bundle: string): string[] {
  return [...bundle.matchAll(/^\/\/ (src\/\S+)$/gm)].map((match) => match[1] ?? "");
}

/** wrangler's own count of what it would upload, compressed, in KiB. */
function gzipKib(stdout: string): number {
  const match = /Total Upload: [\d.]+ KiB \/ gzip: ([\d.]+) KiB/.exec(stdout);
  if (!match?.[1]) throw new Error(`no upload size in wrangler's output:\n${stdout}`);
  return Number(match[1]);
}

describe("wrangler deploy --dry-run", () => {
  it("builds the local config, with the Worker Loader", async () => {
    const { stdout, bundle } = await dryRun("wrangler.jsonc");
    expectNoLocalCode(bundle);
    expect(stdout).toMatch(/env\.LOADER\s+Worker Loader/);
    // With the worker bundler (esbuild-wasm): under the Workers Paid plan's 10 MiB compressed.
    expect(gzipKib(stdout)).toBeGreaterThan(1024);
    expect(gzipKib(stdout)).toBeLessThan(10 * 1024);
  });

  it("builds the production config: the same worker without the Worker Loader", async () => {
    const { stdout, bundle } = await dryRun("wrangler.prod.jsonc");
    expect(stdout).toMatch(/env\.PROGRAMS \(ProgramStore\)/);
    expect(stdout).toMatch(/env\.PROMPT_LOG \(PromptLog\)/);
    expect(stdout).not.toMatch(/LOADER/);
    const prod = readFileSync(join(ROOT, "wrangler.prod.jsonc"), "utf8");
    expect(prod).not.toMatch(/"worker_loaders"/);
    // Without the worker bundler: under the free plan's 3 MiB compressed.
    expect(gzipKib(stdout)).toBeLessThan(3 * 1024);
    expectNoLocalCode(bundle);
  });

  // Checked on both configs' bundles: only `bun dev` needs src/local, and it must never ship.
  function expectNoLocalCode(bundle: string) {
    const modules = bundledModules(bundle);
    expect(modules).toContain("src/app.ts");
    expect(modules).toContain("src/sandbox/worker-loader.ts");
    expect(modules.filter((module) => module.startsWith("src/local/"))).toEqual([]);
    for (const marker of [OUTCOME_HEADER, WARM_HEADER, INTERNAL_SECRET_HEADER, STORE_PATH, "SANDBOX_URL"]) {
      expect(bundle, `the bundle carries ${marker}`).not.toContain(marker);
    }
  }
});
