// `bun run bench:counts`: only the per-run counts docs/scale.md prices (calls into the Worker, each
// Durable Object, the Worker Loader and the programs' isolates; rows and bytes stored), on the
// production path, without the timed rows of `bun run bench`. `--tiny`: fewer submits and runs.
import { rmSync } from "node:fs";
import { measurePerRunCounts, perRunTable } from "./per-run-counts.ts";

const stateDir = ".wrangler/bench-counts-state";
rmSync(stateDir, { recursive: true, force: true });
const counts = await measurePerRunCounts({
  dir: ".wrangler/bench-counts",
  stateDir,
  tiny: process.argv.includes("--tiny"),
});
console.log(`${counts.programs} submits, then ${counts.runs} runs of each kind:`);
console.log(perRunTable(counts));
