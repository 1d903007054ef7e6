// `bun run bench`: the project's local server (as the README starts it), the production path (the app
// with its Worker Loader in one workerd), raw workerd with a minimal loader worker, and a process-per-run
// server, measured side by side in one run; then a mixed load of many visitors and programs, and the
// per-run counts docs/scale.md prices. Prints tables and writes BENCHMARKS.md with an SVG chart of
// throughput against connections. `--tiny` measures a few requests only (the test suite does, so the
// script cannot rot) and writes to test-artifacts/.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname } from "node:path";
import { startDevServer, tempStateDir, visitorCookie } from "../scripts/dev-line/dev-server.ts";
import { rssMib } from "../scripts/workerd/rss.ts";
import type { SubmitAnswer } from "../src/base/answers.ts";
import { type Baseline, startOneHop, startProcessPerRun, startRawWorkerd } from "./baselines.ts";
import { cpuMs, cpuOfGoneBefore, cpuSince, cpuSnapshot } from "./cpu.ts";
import { MIXED_FULL, MIXED_HEADER, MIXED_TINY, type MixedLoadResult, mixedLoad, mixedLoadRow } from "./mixed-load.ts";
import { measurePerRunCounts, perRunTable } from "./per-run-counts.ts";
import { kindOf, members } from "./processes.ts";
import { type ProductionApp, startProductionApp } from "./production-app.ts";

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
  /**
   * The processes whose CPU time a run costs, by role; "app" is the one the table reports (the app's
   * workerd; for the baselines, the process that runs the programs).
   */
  cpuPids(): Record<string, (number | undefined)[]>;
  /**
   * CPU time so far, by role, that no live process shows: processes that ended meanwhile (the dev
   * line's sandbox runtimes, replaced as they grow, whose time goes to the supervisor that reaped them).
   */
  cpuOfEnded?(): Record<string, number>;
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
  /** Warm runs taken one after each of those first runs: what they are compared with, under the same conditions. */
  pairedWarmP50: number | null;
  /** The same two, taken again at the end, after every program the row submitted before. */
  lateFirstRunP50: number | null;
  latePairedWarmP50: number | null;
  mibPerWarmProgram: number | null;
  /** CPU time per warm run over the throughput levels, by role (see Target.cpuPids). */
  cpuMsPerRun: Record<string, number>;
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

/** Requests done with `connections` requests always in flight for SIZE.seconds. */
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
  return done;
}

/** A submit, then its first run timed on its own. */
type SubmitFirst = () => Promise<number>;

/** SIZE.first programs, each submitted and its first run timed, then one warm run timed beside it. */
async function firstRuns(submitFirst: SubmitFirst, target: Target) {
  const first: number[] = [];
  const pairedWarm: number[] = [];
  for (let n = 0; n < SIZE.first; n++) {
    first.push(await submitFirst());
    pairedWarm.push(await timed(target.warm));
  }
  return { firstP50: percentile(first, 50), pairedWarmP50: percentile(pairedWarm, 50) };
}

/**
 * Every row's measures. `warmOnly`: latency, throughput and CPU only (a client that only runs programs
 * others submitted: the cookie-less row).
 */
async function measure(
  name: string,
  target: Target,
  options: { submitFirst?: SubmitFirst; warmOnly?: boolean } = {},
): Promise<Result> {
  const { submitFirst, warmOnly = false } = options;
  // The first run after a submit first: a fresh runtime loads submitted programs ahead (see the sandbox
  // runtime's PREPARE_BUDGET). Then memory, before anything else has grown the heap. The app is warmed
  // up first with runs of the one warm program, so a first run and a warm run meet the same app (its
  // code compiled and optimized): only the program is new.
  if (submitFirst) await sequential(SIZE.latency, target.warm);
  const fresh = submitFirst ? await firstRuns(submitFirst, target) : null;
  const before = target.rss();
  const warmed = warmOnly ? 0 : await target.warmMany(SIZE.memory);
  const perProgram = (target.rss() - before) / warmed;
  await sequential(5, target.warm);
  const warm = await sequential(SIZE.latency, target.warm);
  const rates: Record<number, number> = {};
  const cpuBefore = Object.fromEntries(
    Object.entries(target.cpuPids()).map(([role, pids]) => [role, cpuSnapshot(pids)]),
  );
  const endedBefore = target.cpuOfEnded?.() ?? {};
  let runs = 0;
  for (const connections of SIZE.connections) {
    const done = await throughput(connections, target.warm);
    rates[connections] = done / SIZE.seconds;
    runs += done;
  }
  const endedAfter = target.cpuOfEnded?.() ?? {};
  // A runtime replaced meanwhile: its whole time arrives through its parent once reaped, so its time
  // from before the window is taken off (the same role's runtimes are the only processes reaped).
  const cpuMsPerRun = Object.fromEntries(
    Object.entries(target.cpuPids()).map(([role, pids]) => {
      const before = cpuBefore[role] ?? new Map<number, number>();
      const ended =
        role in endedAfter ? (endedAfter[role] ?? 0) - (endedBefore[role] ?? 0) - cpuOfGoneBefore(before, pids) : 0;
      return [role, (cpuSince(before, pids) + Math.max(0, ended)) / runs];
    }),
  );
  const cold: number[] = [];
  if (!warmOnly) for (let n = 0; n < SIZE.cold; n++) cold.push(await timed(await target.cold(n)));
  // Again, late in the server's life: on the dev line past the sandbox runtime's prepare budget.
  const late = submitFirst ? await firstRuns(submitFirst, target) : null;
  return {
    name,
    warmP50: percentile(warm, 50),
    warmP99: percentile(warm, 99),
    throughput: rates,
    coldP50: percentile(cold, 50),
    coldP99: percentile(cold, 99),
    firstRunP50: fresh?.firstP50 ?? null,
    pairedWarmP50: fresh?.pairedWarmP50 ?? null,
    lateFirstRunP50: late?.firstP50 ?? null,
    latePairedWarmP50: late?.pairedWarmP50 ?? null,
    // Not positive: the runtime holding the programs was replaced meanwhile; nothing was measured.
    mibPerWarmProgram: Number.isFinite(perProgram) && perProgram > 0 ? perProgram : null,
    cpuMsPerRun,
  };
}

const unique = `${Date.now()}`;
const program = (n: number | string) =>
  `export default { fetch(req) { return new Response("program ${n} ${unique} " + new URL(req.url).searchParams.get("q")) } }`;

/**
 * The app's rows, on either server: warm runs of one program with a visitor's cookie (or, for an API
 * client, without any), cold runs from a submit, programs made warm for the memory per program.
 * `memoryCap`: at most this many programs for the memory (the dev line's probation runtime is replaced
 * at 160 MiB, about 2.2 MiB per warm program: beyond that the memory measured would be a fresh runtime's).
 */
async function appTargets(
  origin: string,
  options: {
    rss: () => number;
    cpuPids: () => Record<string, (number | undefined)[]>;
    cpuOfEnded?: () => Record<string, number>;
    memoryCap: number;
  },
): Promise<{ target: Target; cookieless: Target; submitFirst: SubmitFirst }> {
  const cookie = await visitorCookie(origin);
  const submitAnswer = async (code: string) => {
    const response = await fetch(`${origin}/submit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code }),
    });
    return (await response.json()) as SubmitAnswer;
  };
  const submit = async (code: string) => (await submitAnswer(code)).url;
  const run = (url: string) => fetch(`${origin}${url}?q=x`, { headers: { cookie } });
  const warmUrl = await submit(program("warm"));
  let submitted = 0;
  const target: Target = {
    warm: () => run(warmUrl),
    cold: async (n) => async () => run(await submit(program(`cold-${n}`))),
    warmMany: async (count) => {
      const warmed = Math.min(count, options.memoryCap);
      for (let n = 0; n < warmed; n++) {
        // Warm as raw's are: its isolate loaded and one run answered. A submit loads the isolate only
        // while the runtime's budget lasts; past it the first run's isolate is a throwaway one, and the
        // second keeps one. A run more than raw's would also count the runtime's own growth per request.
        const { url, loaded } = await submitAnswer(program(`memory-${n}`));
        await (await run(url)).arrayBuffer();
        if (!loaded) await (await run(url)).arrayBuffer();
      }
      return warmed;
    },
    rss: options.rss,
    cpuPids: options.cpuPids,
    ...(options.cpuOfEnded ? { cpuOfEnded: options.cpuOfEnded } : {}),
  };
  return {
    target,
    // curl, an agent, a webhook: no cookie, ever.
    cookieless: { ...target, warm: () => fetch(`${origin}${warmUrl}?q=x`) },
    submitFirst: async () => {
      const url = await submit(program(`first-${submitted++}`));
      const started = performance.now();
      await (await run(url)).arrayBuffer();
      return performance.now() - started;
    },
  };
}

async function projectTarget() {
  const server = await startDevServer({ persistTo: tempStateDir(), env: { PROMPTLOG_RATE_LIMITS: "off" } });
  const group = () => members(server.process.pid ?? 0);
  const pidsOf = (kind: string) =>
    group()
      .filter((m) => kindOf(m) === kind)
      .map((m) => m.pid);
  const targets = await appTargets(server.origin, {
    // Every sandbox runtime (one per lane): a program moves between lanes as it earns trust.
    rss: () => pidsOf("sandbox").reduce((sum, pid) => sum + rssMib(pid), 0),
    // Looked up again at each reading: the supervisor replaces sandbox runtimes as they grow.
    cpuPids: () => ({ app: pidsOf("app"), sandbox: pidsOf("sandbox"), "supervisor and tooling": pidsOf("node") }),
    // A replaced runtime's time is its parent's, the supervisor's, once reaped: counted as the sandbox's.
    cpuOfEnded: () => ({ sandbox: pidsOf("node").reduce((sum, pid) => sum + cpuMs(pid, true), 0) }),
    // They stay in probation (one run each), whose runtime is replaced at PROBATION_RECYCLE_RSS_MB
    // (160 MiB, about 40 programs kept): with the 20 first-run programs before them, 15 stay below it.
    memoryCap: 15,
  });
  return { ...targets, origin: server.origin, output: server.output, stop: () => server.stop() };
}

async function productionTarget(app: ProductionApp) {
  const targets = await appTargets(app.origin, {
    rss: () => rssMib(app.pid),
    cpuPids: () => ({ app: [app.pid] }),
    memoryCap: SIZE.memory,
  });
  return targets;
}

/**
 * `submits`: cold is a submit (the program stored durably and its isolate loaded), then its first
 * run, as on the app; else one request that loads the program and runs it.
 */
function rawTarget(raw: Baseline, options: { submits?: boolean } = {}): Target {
  const submitThenRun = async (name: string) => {
    await (await fetch(`${raw.origin}/submit?n=${name}`)).arrayBuffer();
    return fetch(`${raw.origin}/run?n=${name}`);
  };
  return {
    warm: () => fetch(`${raw.origin}/warm`),
    cold: async (n) =>
      options.submits ? () => submitThenRun(`cold-${n}`) : () => fetch(`${raw.origin}/cold?n=cold-${n}`),
    warmMany: async (count) => {
      for (let n = 0; n < count; n++) {
        // As on the app, where these submits also leave the store's shards as its cold runs find them.
        if (options.submits) await (await submitThenRun(`memory-${n}`)).arrayBuffer();
        else await (await fetch(`${raw.origin}/load?n=memory-${n}`)).arrayBuffer();
      }
      return count;
    },
    rss: () => rssMib(raw.pid),
    cpuPids: () => ({ app: [raw.pid, ...(raw.frontPid ? [raw.frontPid] : [])] }),
  };
}

function processTarget(server: Baseline): Target {
  return {
    warm: () => fetch(`${server.origin}/run?n=warm`),
    cold: async (n) => () => fetch(`${server.origin}/run?n=cold-${n}`),
    // A process has no warm state to keep between runs; keeping one per program costs a whole process.
    warmMany: async () => 1,
    rss: () => Number.NaN,
    // Each run's process is gone before it could be read; the server is this very process.
    cpuPids: () => ({}),
  };
}

/** A `node` process kept alive per program: what "warm" costs the container-like baseline. */
function processRss(): number {
  const out = execFileSync(process.execPath, ["-e", "console.log(process.memoryUsage().rss)"], { encoding: "utf8" });
  return Number(out) / 1024 / 1024;
}

const MIXED = tiny ? MIXED_TINY : MIXED_FULL;
const DEV_LINE_LOG = "test-artifacts/bench/dev-line.log";
const results: Result[] = [];
const mixed: [string, MixedLoadResult][] = [];
const loadAtStart = loadavg()[0] ?? 0;

const project = await projectTarget();
results.push(await measure("promptlog (bun dev)", project.target, { submitFirst: project.submitFirst }));
results.push(await measure("promptlog (bun dev), API client without cookie", project.cookieless, { warmOnly: true }));
// Without the busy loops first (for reference), then with them: a busy loop ends the runtime it runs in.
mixed.push(["promptlog (bun dev), no runaways", await mixedLoad(project.origin, MIXED, { runaway: false })]);
mixed.push(["promptlog (bun dev)", await mixedLoad(project.origin, MIXED, { runaway: true })]);
await project.stop();
// What the supervisor said (each runtime's end, its cause, who was blamed): a failure in the table
// above is explained there, not guessed at afterwards.
mkdirSync(dirname(DEV_LINE_LOG), { recursive: true });
writeFileSync(DEV_LINE_LOG, project.output());
console.log(`the dev line's output: ${DEV_LINE_LOG}`);

const productionState = ".wrangler/bench-production-state";
rmSync(productionState, { recursive: true, force: true });
const production = await startProductionApp({ dir: ".wrangler/bench-production", stateDir: productionState });
const productionTargets = await productionTarget(production);
results.push(
  await measure("production path (one workerd)", productionTargets.target, {
    submitFirst: productionTargets.submitFirst,
  }),
);
results.push(
  await measure("production path, API client without cookie", productionTargets.cookieless, { warmOnly: true }),
);
await production.stop();
// A fresh process for the mixed load, and half the programs: one workerd process aborts once its isolates
// fill V8's pointer cage (see mixedLoad); with the app's programs that was at about 1,000 of them.
// A plain workerd puts no CPU limit on programs: a busy loop would keep its thread for good.
rmSync(productionState, { recursive: true, force: true });
const productionForLoad = await startProductionApp({ dir: ".wrangler/bench-production", stateDir: productionState });
mixed.push([
  "production path (one workerd), no runaways",
  await mixedLoad(
    productionForLoad.origin,
    { ...MIXED, programs: MIXED.programs / 2 },
    { runaway: false, maxNew: MIXED.programs / 10 },
  ),
]);
await productionForLoad.stop();

const raw = await startRawWorkerd(".wrangler/bench");
results.push(await measure("raw workerd + loader", rawTarget(raw)));
await raw.stop();
const protocol = await startRawWorkerd(".wrangler/bench-protocol", { protocol: true });
results.push(await measure("raw workerd + loader, our run protocol", rawTarget(protocol, { submits: true })));
await protocol.stop();
const upstream = await startRawWorkerd(".wrangler/bench-upstream");
const hop = await startOneHop(".wrangler/bench-hop", upstream);
results.push(await measure("raw workerd behind one hop", rawTarget(hop)));
await hop.stop();
await upstream.stop();
// The dev line's ceiling: the programs in another process than the app (the runaway protection)
// and what every run of ours must do there, with nothing of the app's own.
const protocolUpstream = await startRawWorkerd(".wrangler/bench-protocol-upstream", { protocol: true });
const protocolHop = await startOneHop(".wrangler/bench-protocol-hop", protocolUpstream);
results.push(await measure("our run protocol behind one hop", rawTarget(protocolHop, { submits: true })));
await protocolHop.stop();
await protocolUpstream.stop();
const processes = await startProcessPerRun();
const perProcess = await measure("process per run", processTarget(processes));
results.push({ ...perProcess, mibPerWarmProgram: processRss() });
await processes.stop();

const countsState = ".wrangler/bench-counts-state";
rmSync(countsState, { recursive: true, force: true });
const perRun = await measurePerRunCounts({ dir: ".wrangler/bench-counts", stateDir: countsState, tiny });
const loadAtEnd = loadavg()[0] ?? 0;

const ms = (value: number | null | undefined) =>
  value === null || value === undefined || Number.isNaN(value) ? "–" : value.toFixed(2);
const header = [
  "server",
  "warm p50 ms",
  "warm p99 ms",
  ...SIZE.connections.map((c) => `req/s @${c}`),
  "cold p50 ms",
  "cold p99 ms",
  "first run after submit p50 ms",
  "MiB / warm program",
  "app CPU ms / run",
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
  ms(r.cpuMsPerRun.app),
]);
const markdownTable = (head: string[], body: string[][]) =>
  [head, head.map(() => "---"), ...body].map((cells) => `| ${cells.join(" | ")} |`).join("\n");
const table = markdownTable(header, rows);
const mixedTable = markdownTable(
  MIXED_HEADER,
  mixed.map(([name, result]) => mixedLoadRow(name, result)),
);
const countsTable = perRunTable(perRun);

const named = (name: string) => {
  const found = results.find((r) => r.name === name);
  if (!found) throw new Error(`no result for ${name}`);
  return found;
};
const ours = named("promptlog (bun dev)");
const cookieless = named("promptlog (bun dev), API client without cookie");
const prod = named("production path (one workerd)");
const prodCookieless = named("production path, API client without cookie");
const rawResult = named("raw workerd + loader");
const hopResult = named("raw workerd behind one hop");
const protocolResult = named("raw workerd + loader, our run protocol");
const protocolHopResult = named("our run protocol behind one hop");
const proc = named("process per run");
const top = Math.max(...SIZE.connections);
const share = (r: Result) => (r.throughput[top] ?? 0) / (rawResult.throughput[top] ?? 1);
const ratio = (over: number | null, under: number | null) => ((over ?? 0) / (under ?? 1)).toFixed(2);
const percent = (value: number) => `${Math.round(value * 100)}%`;
/** The targets of issue 17, as ratios to raw workerd within this run. */
const targets: [string, boolean, string][] = [
  ["warm throughput ≥ 40% of raw workerd's", share(ours) >= 0.4, `${percent(share(ours))} at ${top} connections`],
  [
    "warm p50 ≤ 2.0× raw workerd's",
    ours.warmP50 <= 2 * rawResult.warmP50,
    `${ratio(ours.warmP50, rawResult.warmP50)}×`,
  ],
  [
    "first run after a submit ≤ 1.2× a warm run",
    (ours.firstRunP50 ?? Number.POSITIVE_INFINITY) <= 1.2 * (ours.pairedWarmP50 ?? 0) &&
      (ours.lateFirstRunP50 ?? Number.POSITIVE_INFINITY) <= 1.2 * (ours.latePairedWarmP50 ?? 0),
    `${ratio(ours.firstRunP50, ours.pairedWarmP50)}× the p50 of the warm runs taken between them on the fresh server, ${ratio(ours.lateFirstRunP50, ours.latePairedWarmP50)}× at its end, after its memory and cold programs; ${ratio(ours.firstRunP50, ours.warmP50)}× the warm p50 above`,
  ],
  [
    "cold (submit, then first answer) ≤ 2.0× raw's load-and-run",
    ours.coldP50 <= 2 * rawResult.coldP50,
    `${ratio(ours.coldP50, rawResult.coldP50)}×`,
  ],
  [
    "resident memory per warm program ≤ 1.1× raw's",
    (ours.mibPerWarmProgram ?? Number.POSITIVE_INFINITY) <= 1.1 * (rawResult.mibPerWarmProgram ?? 0),
    `${ms(ours.mibPerWarmProgram)} MiB, ${ratio(ours.mibPerWarmProgram, rawResult.mibPerWarmProgram)}× raw's`,
  ],
  [
    "API clients without a cookie reach the same: throughput ≥ 40% of raw's and p50 ≤ 2.0× raw's",
    share(cookieless) >= 0.4 && cookieless.warmP50 <= 2 * rawResult.warmP50,
    `${percent(share(cookieless))}, ${ratio(cookieless.warmP50, rawResult.warmP50)}×`,
  ],
  [
    "production path: warm throughput ≥ 60% of raw workerd's",
    share(prod) >= 0.6,
    `${percent(share(prod))} at ${top} connections; app CPU ${ms(prod.cpuMsPerRun.app)} ms per run`,
  ],
  [
    "production path, API clients without a cookie: warm throughput ≥ 60% of raw workerd's",
    share(prodCookieless) >= 0.6,
    `${percent(share(prodCookieless))}; app CPU ${ms(prodCookieless.cpuMsPerRun.app)} ms per run`,
  ],
];
/**
 * A target its own ceiling misses cannot be met on this machine by any app: the ceiling is what every
 * run must do (the run protocol; on the dev line behind the hop the runaway protection needs), with
 * nothing of the app's. Named so, with the ceiling's own figure.
 */
const ceilings: Record<string, { reached: boolean; value: string }> = {
  "warm throughput ≥ 40% of raw workerd's": {
    reached: share(protocolHopResult) >= 0.4,
    value: `${percent(share(protocolHopResult))}`,
  },
  "warm p50 ≤ 2.0× raw workerd's": {
    reached: protocolHopResult.warmP50 <= 2 * rawResult.warmP50,
    value: `${ratio(protocolHopResult.warmP50, rawResult.warmP50)}×`,
  },
  "cold (submit, then first answer) ≤ 2.0× raw's load-and-run": {
    reached: protocolHopResult.coldP50 <= 2 * rawResult.coldP50,
    value: `${ratio(protocolHopResult.coldP50, rawResult.coldP50)}×`,
  },
  "production path: warm throughput ≥ 60% of raw workerd's": {
    reached: share(protocolResult) >= 0.6,
    value: `${percent(share(protocolResult))}`,
  },
};
const targetLines = targets
  .map(([what, met, value]) => {
    const ceiling = ceilings[what];
    const beyond =
      met || !ceiling
        ? ""
        : ceiling.reached
          ? `; within reach: its ceiling, with no app at all, is ${ceiling.value}`
          : `; out of reach here: its ceiling, with no app at all, is ${ceiling.value}`;
    return `- ${met ? "met" : "NOT met"}: ${what} (${value}${beyond})`;
  })
  .join("\n");
// What no design with the app and the programs in two processes can beat on this machine.
const floorLines = [
  `- our run protocol alone (the runner's answer over RPC, the tail reading its console, the body within its caps; no app): throughput ${percent(share(protocolResult))} of raw at ${top} connections, ${ms(protocolResult.cpuMsPerRun.app)} ms CPU per warm run, warm p50 ${ratio(protocolResult.warmP50, rawResult.warmP50)}× raw, a submit then its first run ${ratio(protocolResult.coldP50, rawResult.coldP50)}× raw's load-and-run: the most the production path can reach`,
  `- our run protocol behind one hop (the programs in another process, as the runaway protection needs; no app): throughput ${percent(share(protocolHopResult))} of raw at ${top} connections, warm p50 ${ratio(protocolHopResult.warmP50, rawResult.warmP50)}× raw, a submit then its first run ${ratio(protocolHopResult.coldP50, rawResult.coldP50)}× raw's load-and-run: the most the dev line can reach`,
  `- one forwarding hop alone: warm p50 ${ratio(hopResult.warmP50, rawResult.warmP50)}× raw, throughput ${percent(share(hopResult))} of raw at ${top} connections, cold p50 ${ratio(hopResult.coldP50, rawResult.coldP50)}× raw`,
  `- raw workerd itself: cold ${(proc.coldP50 / rawResult.coldP50).toFixed(1)}× faster than process per run, ${ms(rawResult.mibPerWarmProgram)} MiB per warm program, ${ms(rawResult.cpuMsPerRun.app)} ms CPU per warm run`,
].join("\n");
// Where a dev-line run's CPU goes, by process (the table's column is the app's alone).
const cpuLines = [ours, cookieless]
  .map(
    (r) =>
      `- ${r.name}: ${Object.entries(r.cpuMsPerRun)
        .map(([role, value]) => `${role} ${ms(value)} ms`)
        .join(", ")} per warm run`,
  )
  .join("\n");

console.log(table);
console.log(targetLines);
console.log(floorLines);
console.log(cpuLines);
console.log(mixedTable);
console.log(countsTable);

mkdirSync(OUT, { recursive: true });
writeFileSync(CHART, chart(results));
const machine = `${cpus().length} cores (${cpus()[0]?.model ?? "unknown"}), ${Math.round(totalmem() / 1024 ** 3)} GiB, Node ${process.version}; load average ${loadAtStart.toFixed(1)} at the start, ${loadAtEnd.toFixed(1)} at the end`;
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
second workerd that only forwards: the best any such design can do here. The "our run protocol"
row is raw workerd doing only what every run of ours must (bench/baselines.ts PROTOCOL_WORKER); the
"our run protocol behind one hop" row is both, the ceiling of the dev line. A target that its
ceiling misses is marked out of reach here: no app on top of the ceiling can meet it.

${floorLines}

Where a warm run's CPU goes on the dev line, by process:

${cpuLines}

## Mixed load

${mixedTable}

## Per-run counts (production path)

What one submit and one run cost in the units Cloudflare bills; [docs/scale.md](docs/scale.md) prices them.

${countsTable}

## Method

- **promptlog (bun dev)**: the README's dev line, a trivial module, \`GET /run/<hash>?q=x\` with a visitor cookie;
  rate limits off (one client far past them). A submit validates, hashes, stores and loads the program's isolate.
  Every run goes app workerd → sandbox runtime → isolate, and is recorded in the visitor's history after the response.
- **API client without cookie**: the same warm runs with no cookie at all (curl, an agent, a webhook); latency,
  throughput and CPU only.
- **production path (one workerd)**: what Cloudflare runs: src/index.ts bundled as wrangler bundles it, served by
  one plain \`workerd\` with wrangler.jsonc's bindings (its own Worker Loader, the SQLite Durable Objects on disk,
  the vars; rate limits left out), built by bench/production-app.ts. Its memory per warm program is the whole
  process's growth, the Durable Objects the submits touch included (on Cloudflare they live elsewhere).
- **raw workerd + loader**: \`workerd serve\` of a minimal worker that runs a trivial program through
  \`LOADER.get\` (warm) or \`LOADER.load\` (cold): the runtime's own limit on this machine.
- **raw workerd behind one hop**: the same raw workerd, reached through a second \`workerd\` whose worker only
  forwards each request to it (an external service over loopback HTTP).
- **raw workerd + loader, our run protocol**: the raw worker doing what every run of ours must: the program
  behind a runner answering over RPC, the run marker and a tail reading the console, the body within its caps
  (a small whole body as its bytes, any other through a counting stream with a deadline), as the app does. Its
  cold is what a submit and a first run of ours must do: \`GET /submit?n=\` hashes the program, stores it in one
  of 256 SQLite Durable Objects on disk (by its hash, as \`ProgramStore\`) and meanwhile loads its isolate; then the run.
- **our run protocol behind one hop**: that worker, reached through the forwarding \`workerd\`.
- **process per run**: a Node HTTP server that starts \`node -e <program>\` for every request.
- Latency: ${SIZE.latency} sequential requests after 5 warm-up ones (p50, p99). Throughput: ${SIZE.seconds} s per
  level with that many requests always in flight, from a Node client on the same 2 cores (the client's own cost
  is in every number). Cold: ${SIZE.cold} never-seen programs, from their code to their first answer (for
  promptlog and the run protocol rows the submit, which stores and loads the program, and the first run; for raw
  workerd \`LOADER.load\` and the run).
  First run after submit: ${SIZE.first} programs on the fresh server, the run right after the submit timed on its own,
  each followed by one warm run of the warm program: the target compares the two p50s, taken under the same
  conditions (the warm p50 of the table comes minutes later, after the memory phase, and drifts with the machine).
  The same again at the end, after the cold phase, with the server's every earlier program behind it (on the dev
  line the sandbox runtime's budget of programs loaded ahead, src/local/sandbox-host); the target needs both.
  Memory: resident memory of the processes that hold the isolates (on the dev line every sandbox runtime, one per
  lane), before and after making ${SIZE.memory} distinct
  programs warm (on the dev line at most 15, since its probation runtime is replaced at 160 MiB), divided by their
  number. Warm means as raw's: the program's isolate loaded and one run answered (on the app rows, the submit
  loads it and one run follows; a second run when the submit did not load it, since that first run's isolate is
  then a throwaway one; raw's \`/load\` loads and runs it in one request); for process per run, one idle \`node\` process (what keeping a program warm
  costs there).
- App CPU per run: user + system time of the app's workerd (from /proc/<pid>/stat) over all throughput levels,
  divided by the runs done; on the dev line the app's workerd alone (the sandbox runtime's and the supervisor's
  are listed under the floor; a sandbox runtime replaced meanwhile counts through its parent, which reaped it); for the baselines, the workerd that runs the programs (both, for one hop).
- Mixed load: ${MIXED.visitors} visitors, each with its own cookie, run programs for ${MIXED.seconds} s, all at once, one
  run after another, out of ${MIXED.programs} distinct programs submitted first (5% throw, 1% busy-loop forever,
  the rest answer). Each run is 10% a program submitted just then, 5% a throwing one, 1% a busy loop, else a
  well-behaved one of the set. p50, p99 and failures are of the well-behaved runs (a new program's run timed
  without its submit). On the dev line the same load runs once without the busy loops first, for reference.
  On the production path (a fresh process) the busy loops are left out, since a plain
  workerd has no CPU limit, and it runs ${MIXED.programs / 2} programs, at most ${MIXED.programs / 10} of them new:
  one workerd process aborts once its isolates fill V8's pointer cage (about 1,900 of raw workerd's, about
  1,000 of the app's programs here; Cloudflare evicts idle isolates, a local workerd does not).
- Per-run counts (also alone: \`bun run bench:counts\`): the production path again, its entry wrapped
  (bench/call-counter.ts) so that it counts, inside its own isolate, each call the runtime makes into it: the
  Worker's fetches, each method call on each Durable Object and exported entrypoint (the programs' tail: one per
  program invocation), each use of the Worker Loader and each call into a program's isolate; and per Durable
  Object class the rows its SQL wrote (the runtime's own \`rowsWritten\`, what Cloudflare bills; a new
  object's schema apart, paid once per object) and the alarms it set. ${perRun.programs} submits, then ${perRun.runs} runs with a
  visitor's cookie, ${perRun.runs} of a visitor whose history is full, ${perRun.runs} without a cookie and ${perRun.runs} with an API token,
  each divided by its count once the writes that follow the answers have settled. Rows and bytes are read from
  the Durable Objects' SQLite files (bench/storage-counts.ts): rows added net of deletes, the rows' own bytes,
  the database size.
${handWritten()}`,
);
// Formatted as the repository's formatter keeps Markdown (aligned tables), so a run leaves lint clean
// (a --tiny run writes outside the repository's files, which the formatter leaves alone).
if (!tiny) {
  execFileSync(process.execPath, ["node_modules/@biomejs/biome/bin/biome", "format", "--write", "BENCHMARKS.md"], {
    stdio: "ignore",
  });
}
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
  const colours = ["#f6821f", "#fbbf24", "#7c3aed", "#c4b5fd", "#2563eb", "#16a34a", "#6b7280"];
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
