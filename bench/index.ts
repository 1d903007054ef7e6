// `bun run bench`: the project's local server (as the README starts it), raw workerd with a minimal
// loader worker, and a process-per-run server, measured side by side in one run. Prints a table and
// writes BENCHMARKS.md with an SVG chart of throughput against connections. `--tiny` measures a
// few requests only (the test suite does, so the script cannot rot) and writes to test-artifacts/.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { startDevServer, tempStateDir, visitorCookie } from "../scripts/dev-line/dev-server.ts";
import { rssMib } from "../scripts/workerd/rss.ts";
import type { SubmitAnswer } from "../src/base/answers.ts";
import { type Baseline, startOneHop, startProcessPerRun, startRawWorkerd } from "./baselines.ts";
import { kindOf, members } from "./processes.ts";

const tiny = process.argv.includes("--tiny");
const SIZE = tiny
  ? { latency: 15, seconds: 0.3, cold: 5, first: 5, memory: 10, connections: [1, 4] }
  : { latency: 300, seconds: 3, cold: 60, first: 20, memory: 500, connections: [1, 4, 16, 64] };
/** BENCHMARKS.md goes at the top of the repository, its chart beside the benchmark. */
const OUT = tiny ? "test-artifacts/bench" : ".";
const CHART = tiny ? "test-artifacts/bench/throughput.svg" : "bench/throughput.svg";

interface Target {
  /** A warm run: the same program again. */
  warm(): Promise<Response>;
  /** A never-seen program, from its code to its first answer (for promptlog: the submit and the run). */
  cold(n: number): Promise<() => Promise<Response>>;
  /** Makes up to `count` distinct programs warm, for the memory per warm program; answers how many. */
  warmMany(count: number): Promise<number>;
  rss(): number;
}

interface Result {
  name: string;
  warmP50: number;
  warmP99: number;
  throughput: Record<number, number>;
  coldP50: number;
  coldP99: number;
  /** The first run right after a submit, timed on its own. */
  firstRunP50: number | null;
  mibPerWarmProgram: number | null;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

async function timed(work: () => Promise<Response>): Promise<number> {
  const started = performance.now();
  const response = await work();
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`a measured request answered ${response.status}`);
  return performance.now() - started;
}

async function sequential(count: number, work: () => Promise<Response>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await timed(work));
  return times;
}

/** Requests a second with `connections` requests always in flight, for SIZE.seconds. */
async function throughput(connections: number, work: () => Promise<Response>): Promise<number> {
  const deadline = performance.now() + SIZE.seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        await (await work()).arrayBuffer();
        done++;
      }
    }),
  );
  return done / SIZE.seconds;
}

/** A submit, then its first run timed on its own. */
type SubmitFirst = () => Promise<number>;

async function measure(name: string, target: Target, submitFirst?: SubmitFirst): Promise<Result> {
  // The first run after a submit first: a fresh runtime loads submitted programs ahead (see the sandbox
  // runtime's PREPARE_BUDGET). Then memory, before anything else has grown the heap.
  const firstRunTimes: number[] = [];
  if (submitFirst) for (let n = 0; n < SIZE.first; n++) firstRunTimes.push(await submitFirst());
  const before = target.rss();
  const warmed = await target.warmMany(SIZE.memory);
  const perProgram = (target.rss() - before) / warmed;
  await sequential(5, target.warm);
  const warm = await sequential(SIZE.latency, target.warm);
  const rates: Record<number, number> = {};
  for (const connections of SIZE.connections) rates[connections] = await throughput(connections, target.warm);
  const cold: number[] = [];
  for (let n = 0; n < SIZE.cold; n++) cold.push(await timed(await target.cold(n)));
  return {
    name,
    warmP50: percentile(warm, 50),
    warmP99: percentile(warm, 99),
    throughput: rates,
    coldP50: percentile(cold, 50),
    coldP99: percentile(cold, 99),
    firstRunP50: submitFirst ? percentile(firstRunTimes, 50) : null,
    mibPerWarmProgram: Number.isFinite(perProgram) ? perProgram : null,
  };
}

const unique = `${Date.now()}`;
const program = (n: number | string) =>
  `export default { fetch(req) { return new Response("program ${n} ${unique} " + new URL(req.url).searchParams.get("q")) } }`;

async function projectTarget(): Promise<{ target: Target; submitFirst: SubmitFirst; stop(): Promise<void> }> {
  const server = await startDevServer({ persistTo: tempStateDir(), env: { PROMPTLOG_RATE_LIMITS: "off" } });
  const cookie = await visitorCookie(server.origin);
  const submit = async (code: string) => {
    const response = await fetch(`${server.origin}/submit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code }),
    });
    return ((await response.json()) as SubmitAnswer).url;
  };
  const run = (url: string) => fetch(`${server.origin}${url}?q=x`, { headers: { cookie } });
  const warmUrl = await submit(program("warm"));
  const sandboxPid = () => members(server.process.pid ?? 0).find((m) => kindOf(m) === "sandbox")?.pid;
  let submitted = 0;
  return {
    target: {
      warm: () => run(warmUrl),
      cold: async (n) => async () => run(await submit(program(`cold-${n}`))),
      warmMany: async (count) => {
        // The sandbox runtime is replaced at RECYCLE_RSS_MB (about 2 MiB per warm program); stay below
        // that, or the memory measured would be a fresh runtime's.
        const warmed = Math.min(count, 60);
        for (let n = 0; n < warmed; n++) {
          const url = await submit(program(`memory-${n}`));
          // A submit loads a program's isolate only while the runtime's budget lasts; a second run
          // makes any program warm.
          await (await run(url)).arrayBuffer();
          await (await run(url)).arrayBuffer();
        }
        return warmed;
      },
      rss: () => rssMib(sandboxPid()),
    },
    submitFirst: async () => {
      const url = await submit(program(`first-${submitted++}`));
      const started = performance.now();
      await (await run(url)).arrayBuffer();
      return performance.now() - started;
    },
    stop: () => server.stop(),
  };
}

function rawTarget(raw: Baseline): Target {
  return {
    warm: () => fetch(`${raw.origin}/warm`),
    cold: async (n) => () => fetch(`${raw.origin}/cold?n=cold-${n}`),
    warmMany: async (count) => {
      for (let n = 0; n < count; n++) await (await fetch(`${raw.origin}/load?n=memory-${n}`)).arrayBuffer();
      return count;
    },
    rss: () => rssMib(raw.pid),
  };
}

function processTarget(server: Baseline): Target {
  return {
    warm: () => fetch(`${server.origin}/run?n=warm`),
    cold: async (n) => () => fetch(`${server.origin}/run?n=cold-${n}`),
    // A process has no warm state to keep between runs; keeping one per program costs a whole process.
    warmMany: async () => 1,
    rss: () => Number.NaN,
  };
}

/** A `node` process kept alive per program: what "warm" costs the container-like baseline. */
function processRss(): number {
  const out = execFileSync(process.execPath, ["-e", "console.log(process.memoryUsage().rss)"], { encoding: "utf8" });
  return Number(out) / 1024 / 1024;
}

const results: Result[] = [];
const project = await projectTarget();
results.push(await measure("promptlog (bun dev)", project.target, project.submitFirst));
await project.stop();
const raw = await startRawWorkerd(".wrangler/bench");
results.push(await measure("raw workerd + loader", rawTarget(raw)));
await raw.stop();
const upstream = await startRawWorkerd(".wrangler/bench-upstream");
const hop = await startOneHop(".wrangler/bench-hop", upstream);
results.push(await measure("raw workerd behind one hop", rawTarget(hop)));
await hop.stop();
await upstream.stop();
const processes = await startProcessPerRun();
const perProcess = await measure("process per run", processTarget(processes));
results.push({ ...perProcess, mibPerWarmProgram: processRss() });
await processes.stop();

const ms = (value: number | null) => (value === null || Number.isNaN(value) ? "–" : value.toFixed(2));
const header = [
  "server",
  "warm p50 ms",
  "warm p99 ms",
  ...SIZE.connections.map((c) => `req/s @${c}`),
  "cold p50 ms",
  "cold p99 ms",
  "first run after submit p50 ms",
  "MiB / warm program",
];
const rows = results.map((r) => [
  r.name,
  ms(r.warmP50),
  ms(r.warmP99),
  ...SIZE.connections.map((c) => Math.round(r.throughput[c] ?? 0).toString()),
  ms(r.coldP50),
  ms(r.coldP99),
  ms(r.firstRunP50),
  ms(r.mibPerWarmProgram),
]);
const table = [header, header.map(() => "---"), ...rows].map((cells) => `| ${cells.join(" | ")} |`).join("\n");

const [ours, rawResult, hopResult, proc] = results as [Result, Result, Result, Result];
const top = Math.max(...SIZE.connections);
const targets: [string, boolean, string][] = [
  [
    "warm throughput ≥ 50% of raw workerd's",
    (ours.throughput[top] ?? 0) >= 0.5 * (rawResult.throughput[top] ?? 0),
    `${Math.round(((ours.throughput[top] ?? 0) / (rawResult.throughput[top] ?? 1)) * 100)}% at ${top} connections`,
  ],
  [
    "warm p50 ≤ 1.5× raw workerd's",
    ours.warmP50 <= 1.5 * rawResult.warmP50,
    `${(ours.warmP50 / rawResult.warmP50).toFixed(2)}×`,
  ],
  [
    "first run after a submit as fast as a warm run (within 1.2×)",
    (ours.firstRunP50 ?? Number.POSITIVE_INFINITY) <= 1.2 * ours.warmP50,
    `${((ours.firstRunP50 ?? 0) / ours.warmP50).toFixed(2)}× warm p50`,
  ],
  [
    "cold p50 ≤ 1.2× raw workerd's",
    ours.coldP50 <= 1.2 * rawResult.coldP50,
    `${(ours.coldP50 / rawResult.coldP50).toFixed(2)}×`,
  ],
  [
    "cold ≥ 10× faster than process per run",
    proc.coldP50 >= 10 * ours.coldP50,
    `${(proc.coldP50 / ours.coldP50).toFixed(1)}×`,
  ],
  ["≤ 2 MB resident per warm program", (ours.mibPerWarmProgram ?? 99) <= 2, `${ms(ours.mibPerWarmProgram)} MiB`],
];
const targetLines = targets.map(([what, met, value]) => `- ${met ? "met" : "NOT met"}: ${what} (${value})`).join("\n");
// What no design with the app and the programs in two processes can beat on this machine.
const floorLines = [
  `- one forwarding hop alone: warm p50 ${(hopResult.warmP50 / rawResult.warmP50).toFixed(2)}× raw, throughput ${Math.round(((hopResult.throughput[top] ?? 0) / (rawResult.throughput[top] ?? 1)) * 100)}% of raw at ${top} connections, cold p50 ${(hopResult.coldP50 / rawResult.coldP50).toFixed(2)}× raw`,
  `- raw workerd itself: cold ${(proc.coldP50 / rawResult.coldP50).toFixed(1)}× faster than process per run, ${ms(rawResult.mibPerWarmProgram)} MiB per warm program`,
].join("\n");

console.log(table);
console.log(targetLines);
console.log(floorLines);

mkdirSync(OUT, { recursive: true });
writeFileSync(CHART, chart(results));
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}`;
writeFileSync(
  `${OUT}/BENCHMARKS.md`,
  `# Benchmarks

Written by \`bun run bench\` (bench/index.ts) on ${new Date().toISOString().slice(0, 10)}; ${machine}.
${tiny ? "\n**Tiny run (--tiny): too few requests to mean anything.**\n" : ""}
${table}

![Warm-run throughput against connections](${tiny ? "throughput.svg" : CHART})

## Targets (ratios within this run)

${targetLines}

## The floor on this machine

The runaway protection (issue 3) keeps the app in another process than the programs, so that a
program wedging its runtime cannot take the app down. The "one hop" row is raw workerd behind a
second workerd that only forwards: the best any such design can do here.

${floorLines}

## Method

- **promptlog (bun dev)**: the README's dev line, a trivial module, \`GET /run/<hash>?q=x\` with a visitor cookie;
  rate limits off (one client far past them). A submit validates, hashes, stores and loads the program's isolate.
  Every run goes app workerd → sandbox supervisor (Node) → sandbox workerd → isolate (no store read: the app
  isolate keeps the programs it stored or verified), and is recorded in the visitor's history after the response.
- **raw workerd + loader**: \`workerd serve\` of a minimal worker that runs a trivial program through
  \`LOADER.get\` (warm) or \`LOADER.load\` (cold): the runtime's own limit on this machine.
- **raw workerd behind one hop**: the same raw workerd, reached through a second \`workerd\` whose worker only
  forwards each request to it (an external service over loopback HTTP).
- **process per run**: a Node HTTP server that starts \`node -e <program>\` for every request.
- Latency: ${SIZE.latency} sequential requests after 5 warm-up ones (p50, p99). Throughput: ${SIZE.seconds} s per
  level with that many requests always in flight, from a Node client on the same 2 cores (the client's own cost
  is in every number). Cold: ${SIZE.cold} never-seen programs, from their code to their first answer (for
  promptlog the submit, which loads the program, and the first run; for raw workerd \`LOADER.load\` and the run).
  First run after submit: ${SIZE.first} programs on the fresh server, the run right after the submit timed on its own. Memory: resident memory of the process that holds the
  isolates, before and after making ${SIZE.memory} distinct programs warm (for promptlog at most 60, since its sandbox
  runtime is replaced at 256 MiB), each submitted and run twice, divided by their number; for process per run, one idle \`node\` process (what
  keeping a program warm costs there).
${handWritten()}`,
);
console.log(`wrote ${OUT}/BENCHMARKS.md and ${CHART}`);

/** The part of BENCHMARKS.md written by hand, from its marker on: a new run keeps it. */
function handWritten(): string {
  const marker = "<!-- The sections below are written by hand";
  const current = existsSync("BENCHMARKS.md") ? readFileSync("BENCHMARKS.md", "utf8") : "";
  const at = current.indexOf(marker);
  return at === -1 ? "" : `\n${current.slice(at)}`;
}

/** Throughput against connections, one line per server: a small hand-drawn SVG. */
function chart(all: Result[]): string {
  const width = 640;
  const height = 360;
  const pad = 56;
  const max = Math.max(1, ...all.flatMap((r) => Object.values(r.throughput)));
  const x = (i: number) => pad + (i * (width - 2 * pad)) / Math.max(1, SIZE.connections.length - 1);
  const y = (value: number) => height - pad - (value / max) * (height - 2 * pad);
  const colours = ["#f6821f", "#2563eb", "#16a34a", "#6b7280"];
  const lines = all
    .map((r, index) => {
      const points = SIZE.connections
        .map((c, i) => `${x(i).toFixed(1)},${y(r.throughput[c] ?? 0).toFixed(1)}`)
        .join(" ");
      return `<polyline fill="none" stroke="${colours[index]}" stroke-width="2.5" points="${points}"/>
<text x="${width - pad + 4}" y="${(y(r.throughput[top] ?? 0) + 4).toFixed(1)}" font-size="12" fill="${colours[index]}">${r.name}</text>`;
    })
    .join("\n");
  const ticks = SIZE.connections
    .map(
      (c, i) => `<text x="${x(i).toFixed(1)}" y="${height - pad + 18}" font-size="12" text-anchor="middle">${c}</text>`,
    )
    .join("\n");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width + 140}" height="${height}" font-family="system-ui, sans-serif">
<title>Warm-run throughput (requests/s) against concurrent connections</title>
<rect width="100%" height="100%" fill="#fff"/>
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#999"/>
<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#999"/>
<text x="${pad}" y="${pad - 12}" font-size="12">${Math.round(max)} req/s</text>
<text x="${width / 2}" y="${height - 12}" font-size="12" text-anchor="middle">connections</text>
${ticks}
${lines}
</svg>
`;
}
