import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "./readme.ts";

const run = promisify(execFile);

async function dryRun(config: string) {
  const outdir = mkdtempSync(join(tmpdir(), "promptlog-dry-run-"));
  return run(
    process.execPath,
    ["node_modules/wrangler/bin/wrangler.js", "deploy", "--dry-run", "--config", config, "--outdir", outdir],
    {
      cwd: ROOT,
      env: { ...process.env, WRANGLER_SEND_METRICS: "false" },
    },
  );
}

/** wrangler's own count of what it would upload, compressed, in KiB. */
function gzipKib(stdout: string): number {
  const match = /Total Upload: [\d.]+ KiB \/ gzip: ([\d.]+) KiB/.exec(stdout);
  if (!match?.[1]) throw new Error(`no upload size in wrangler's output:\n${stdout}`);
  return Number(match[1]);
}

describe("wrangler deploy --dry-run", () => {
  it("builds the local config, with the Worker Loader", async () => {
    const { stdout } = await dryRun("wrangler.jsonc");
    expect(stdout).toMatch(/env\.LOADER\s+Worker Loader/);
    // With the worker bundler (esbuild-wasm): under the Workers Paid plan's 10 MiB compressed.
    expect(gzipKib(stdout)).toBeGreaterThan(1024);
    expect(gzipKib(stdout)).toBeLessThan(10 * 1024);
  });

  it("builds the production config: the same worker without the Worker Loader", async () => {
    const { stdout } = await dryRun("wrangler.prod.jsonc");
    expect(stdout).toMatch(/env\.PROGRAMS \(ProgramStore\)/);
    expect(stdout).toMatch(/env\.PROMPT_LOG \(PromptLog\)/);
    expect(stdout).not.toMatch(/LOADER/);
    const prod = readFileSync(join(ROOT, "wrangler.prod.jsonc"), "utf8");
    expect(prod).not.toMatch(/"worker_loaders"/);
    // Without the worker bundler: under the free plan's 3 MiB compressed.
    expect(gzipKib(stdout)).toBeLessThan(3 * 1024);
  });
});
