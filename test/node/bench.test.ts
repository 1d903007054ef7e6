import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/dev-line/readme-lines.ts";

const run = promisify(execFile);

describe("the side-by-side benchmark", () => {
  it("measures all three servers on a tiny size and writes its report, so it cannot rot", async () => {
    const { stdout } = await run(process.execPath, ["bench/index.ts", "--tiny"], { cwd: ROOT, env: process.env });
    for (const server of ["promptlog (bun dev)", "raw workerd + loader", "process per run"]) {
      expect(stdout).toMatch(new RegExp(`\\| ${server.replace(/[()+]/g, "\\$&")} \\| [\\d.]+ \\| [\\d.]+ \\|`));
    }
    expect(stdout).toMatch(/wrote test-artifacts\/bench\/BENCHMARKS\.md/);
  });
});

describe("the memory sweep benchmark", () => {
  it("runs end to end on a tiny size, so it cannot rot", async () => {
    const { stdout } = await run(process.execPath, ["bench/sweep.ts", "20"], { cwd: ROOT, env: process.env });
    expect(stdout).toMatch(/done: 20 programs in [\d.]+ s, 0 failed runs, peak \d+ MiB \(bound 1024 MiB\)/);
    // The hot program's count goes 2, 3, … only while its isolate is reused.
    const counts = [...stdout.matchAll(/^\d+ \| [^\n]*? \| (\d+) \| [\d.]+ \| [\d.]+$/gm)].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThan(1);
    expect(counts).toEqual(counts.map((_, i) => (counts[0] ?? 0) + i));
  });
});
