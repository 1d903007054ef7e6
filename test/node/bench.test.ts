import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/dev-line/readme-lines.ts";

const run = promisify(execFile);

describe("the side-by-side benchmark", () => {
  it("measures every server, the mixed load and the per-run counts on a tiny size and writes its report, so it cannot rot", async () => {
    const { stdout } = await run(process.execPath, ["bench/index.ts", "--tiny"], { cwd: ROOT, env: process.env });
    const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    for (const server of [
      "promptlog (bun dev)",
      "promptlog (bun dev), API client without cookie",
      "production path (one workerd)",
      "production path, API client without cookie",
      "raw workerd + loader",
      "raw workerd behind one hop",
      "raw workerd + loader, our run protocol",
      "our run protocol behind one hop",
      "process per run",
    ]) {
      expect(stdout).toMatch(new RegExp(`^\\| ${escaped(server)} \\| [\\d.]+ \\| [\\d.]+ \\|`, "m"));
    }
    // The mixed load: its well-behaved runs counted, timed, and their failures given as a share.
    for (const [server, programs] of [
      ["promptlog (bun dev), no runaways", 50],
      ["promptlog (bun dev)", 50],
      ["production path (one workerd), no runaways", 25],
    ] as const) {
      expect(stdout).toMatch(
        new RegExp(
          `^\\| ${escaped(server)} \\| 10 \\| ${programs} \\| 2 s \\| \\d+ \\| \\d+ \\| [\\d.]+ \\| [\\d.]+ \\| [\\d.]+%[^|]* \\|`,
          "m",
        ),
      );
    }
    // Per-run counts, counted inside the app: every submit and every run is one request to the Worker,
    // and every run one call into its program's isolate, with or without a cookie.
    expect(stdout).toMatch(/^\| calls: Worker\.fetch \| 1 \| 1 \| 1 \| 1 \|/m);
    expect(stdout).toMatch(/^\| calls: program isolate\.run \| 0 \| 1 \| 1 \| 1 \|/m);
    expect(stdout).toMatch(/^\| rows added \(net\): ProgramStore\.program \| 1 \| 0 \| 0 \| 0 \|/m);
    // A run is written to its visitor's history; a run without a cookie to nobody's.
    expect(stdout).toMatch(/^\| storage: PromptLog: rows written \| 0 \| [1-9][\d.]* \| [1-9][\d.]* \| 0 \|/m);
    // Met or not is for the full run to say; only that each of issue 17's targets was judged.
    expect(stdout.match(/^- (met|NOT met): /gm)?.length).toBe(8);
    // Each ceiling is measured and printed: what no app could do better than on this machine.
    expect(stdout).toMatch(/^- our run protocol behind one hop \(.*\): throughput \d+% of raw/m);
    // The cold ceiling is a submit (stored on disk, loaded) and then the first run, as ours are.
    expect(stdout).toMatch(
      /^- our run protocol behind one hop .*, a submit then its first run [\d.]+× raw's load-and-run/m,
    );
    expect(stdout).toMatch(/wrote test-artifacts\/bench\/BENCHMARKS\.md/);
  });
});

describe("the memory sweep benchmark", () => {
  it("runs end to end on a tiny size, so it cannot rot", async () => {
    const { stdout } = await run(process.execPath, ["bench/sweep.ts", "20"], { cwd: ROOT, env: process.env });
    expect(stdout).toMatch(/done: 20 programs in [\d.]+ s, 0 failed runs, peak \d+ MiB \(bound 1024 MiB\)/);
    // The hot program's count goes 2, 3, … only while its isolate is reused. It starts over once, at 1,
    // when the program leaves probation for the trusted lane (another runtime); then it counts up again.
    const counts = [...stdout.matchAll(/^\d+ \| [^\n]*? \| (\d+) \| [\d.]+ \| [\d.]+$/gm)].map((m) => Number(m[1]));
    expect(counts.length).toBeGreaterThan(1);
    const restart = counts.indexOf(1);
    const runs = restart === -1 ? [counts] : [counts.slice(0, restart), counts.slice(restart)];
    for (const run of runs) expect(run).toEqual(run.map((_, i) => (run[0] ?? 0) + i));
  });
});

describe("the isolation benchmark", () => {
  it("runs every scenario on a tiny size and prints its table, so it cannot rot", async () => {
    const { stdout } = await run(process.execPath, ["bench/isolation.ts", "--tiny"], { cwd: ROOT, env: process.env });
    expect(stdout).toMatch(
      /\| scenario \| good runs \| failed % \| p50 ms \| p99 ms \| max ms \| the runaway's answer \|/,
    );
    for (const scenario of [
      "busy loop in fetch",
      "busy loop at the top level",
      "busy loop in ctx.waitUntil",
      "V8 heap exhausted",
      "ArrayBuffers exhausted",
    ]) {
      expect(stdout).toMatch(new RegExp(`^\\| ${scenario} \\| \\d+ \\| [\\d.]+ \\|`, "m"));
    }
    expect(stdout).toMatch(/^\| 3 visitors' \d+ ms CPU programs; a 4th's trivial runs \| \d+ \|/m);
    // Met or not is for the full run to say; only that each target was judged.
    expect(stdout.match(/^- (met|NOT met): /gm)?.length).toBe(16);
  });
});
