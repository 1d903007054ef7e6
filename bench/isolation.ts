// `bun run bench:isolation`: how much one visitor's runaway program hurts other visitors' runs on the
// README's dev line. For each runaway (a busy loop in fetch, at the top level, in ctx.waitUntil after
// answering; a V8 heap and an ArrayBuffer allocation bomb), 20 runs of a well-behaved program (run a
// few times first) are always in flight while an attacker runs the runaway again and again; then
// three visitors run CPU-heavy programs in a loop while a fourth runs a trivial one. Prints a table
// and the targets as met / NOT met. `--tiny` runs a few seconds per scenario (the test suite does, so
// the script cannot rot). Traffic goes to localhost only; every loop is bounded in count and time.
import { mkdirSync, writeFileSync } from "node:fs";
import { startDevServer, tempStateDir, visitorCookie } from "../scripts/dev-line/dev-server.ts";
import { laneOfProcess } from "../scripts/sandbox/lane-label.ts";
import type { ErrorAnswer, RunRecord, SubmitAnswer } from "../src/base/answers.ts";
import { kindOf, members } from "./processes.ts";

const tiny = process.argv.includes("--tiny");
const SIZE = tiny
  ? { seconds: 3, concurrency: 4, heavySeconds: 4, heavyCpuMs: 600 }
  : { seconds: 15, concurrency: 20, heavySeconds: 15, heavyCpuMs: 600 };
/** How often the well-behaved program runs before the runaway starts (it has a clean record then). */
const WARM_RUNS = 5;
/** No loop runs more than this many requests, whatever the clock says. */
const MAX_REQUESTS = 100_000;
/** No single request may take longer: a hang is a failure, not a wait. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Where the supervisor's own log of the run goes. */
const LOG_DIR = "test-artifacts/bench";
const TARGET = { failedPercent: 0.5, maxMs: 2_500, trivialP50Ms: 100 };

const server = await startDevServer({ persistTo: tempStateDir(), env: { PROMPTLOG_RATE_LIMITS: "off" } });
const pgid = server.process.pid ?? 0;
const unique = Date.now().toString(36);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Answer {
  readonly status: number;
  readonly text: string;
  readonly ms: number;
  readonly runId: string | null;
}

async function call(path: string, cookie: string, init: RequestInit = {}): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await fetch(`${server.origin}${path}`, {
      ...init,
      headers: { cookie, ...init.headers },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    return { status: response.status, text, ms: performance.now() - started, runId: response.headers.get("x-run-id") };
  } catch (error) {
    return { status: 0, text: String(error), ms: performance.now() - started, runId: null };
  }
}

async function submit(code: string, cookie: string): Promise<SubmitAnswer> {
  const answer = await call("/submit", cookie, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code }),
  });
  if (answer.status !== 200 && answer.status !== 201)
    throw new Error(`submit answered ${answer.status}: ${answer.text}`);
  return JSON.parse(answer.text) as SubmitAnswer;
}

/** "503 limit_exceeded cpuMs", "200", "0 (timeout)": an answer in a few words. */
function describe(answer: Pick<Answer, "status" | "text">): string {
  if (answer.status === 0) return "no answer";
  if (answer.status < 400) return String(answer.status);
  try {
    const { error } = JSON.parse(answer.text) as ErrorAnswer;
    return [answer.status, error.code, error.limit].filter(Boolean).join(" ");
  } catch {
    return String(answer.status);
  }
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** The sandbox runtimes alive now, by lane ("" for a runtime without one). */
function runtimesByLane(): Map<string, number> {
  const lanes = new Map<string, number>();
  for (const member of members(pgid).filter((m) => kindOf(m) === "sandbox")) {
    const lane = laneOfProcess(member.pid) ?? "";
    lanes.set(lane, (lanes.get(lane) ?? 0) + 1);
  }
  return lanes;
}

/** Samples the runtimes every 100 ms: the most alive at once, in all and in any one lane. */
function watchRuntimes() {
  let most = 0;
  let mostInALane = 0;
  const sample = () => {
    const lanes = runtimesByLane();
    most = Math.max(
      most,
      [...lanes.values()].reduce((a, b) => a + b, 0),
    );
    mostInALane = Math.max(mostInALane, ...lanes.values());
  };
  sample();
  const timer = setInterval(sample, 100);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return { most, mostInALane };
    },
  };
}

/** `concurrency` loops running `url` until the deadline: every answer, with its latency. */
async function traffic(url: string, cookie: string, expected: string, concurrency: number, until: () => boolean) {
  const latencies: number[] = [];
  const failures: string[] = [];
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (!until() && sent < MAX_REQUESTS) {
        sent++;
        const answer = await call(url, cookie);
        latencies.push(answer.ms);
        if (answer.status !== 200 || answer.text !== expected) failures.push(describe(answer));
      }
    }),
  );
  return { latencies, failures };
}

interface Row {
  readonly scenario: string;
  readonly runs: number;
  readonly failedPercent: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly runaway: string;
  readonly runtimes: string;
  readonly targets: [string, boolean][];
}

const visitors = {
  good: await visitorCookie(server.origin),
  attacker: await visitorCookie(server.origin),
  attackerAgain: await visitorCookie(server.origin),
};

/** A well-behaved program, new to the dev line, run WARM_RUNS times: its record is clean. */
async function goodProgram(label: string) {
  const program = await submit(
    `export default { fetch(req) { return new Response("ok " + new URL(req.url).searchParams.get("q")) } } // ${label} ${unique}`,
    visitors.good,
  );
  const url = `${program.url}?q=x`;
  for (let i = 0; i < WARM_RUNS; i++) {
    const answer = await call(url, visitors.good);
    if (answer.status !== 200)
      throw new Error(`the well-behaved program answered ${describe(answer)} while warming up`);
  }
  return url;
}

/** Until the dev line serves a new program again (the previous scenario's runaway is gone). */
async function settle() {
  const program = await submit(`return "calm"; // settle ${Math.random()}`, visitors.good);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if ((await call(program.url, visitors.good)).status === 200) return;
    await sleep(200);
  }
  throw new Error("the dev line did not settle within 20 s");
}

interface Runaway {
  readonly name: string;
  readonly code: string;
  /** The limit its runs must answer with. */
  readonly limit: "cpuMs" | "memory";
  /** It answers before it runs away: its record, and its later runs, carry the limit error. */
  readonly answersFirst?: boolean;
}

const MiB = 1024 * 1024;
const RUNAWAYS: Runaway[] = [
  { name: "busy loop in fetch", code: "export default { fetch() { while (true) {} } }", limit: "cpuMs" },
  {
    name: "busy loop at the top level",
    code: 'while (true) {}\nexport default { fetch() { return new Response("never") } }',
    limit: "cpuMs",
  },
  {
    name: "busy loop in ctx.waitUntil",
    code: `export default { fetch(req, env, ctx) {
  ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 20)).then(() => { while (true) {} }));
  return new Response("answered");
} }`,
    limit: "cpuMs",
    answersFirst: true,
  },
  {
    name: "V8 heap exhausted",
    code: "const hoard = []; while (true) hoard.push(new Array(1e6).fill(prompt));",
    limit: "memory",
  },
  {
    name: "ArrayBuffers exhausted",
    code: `export default { async fetch() {
  const chunks = []; let total = 0;
  while (total < 3 * 1024 ** 3) {
    const chunk = new ArrayBuffer(64 * ${MiB}); new Uint8Array(chunk).fill(1); chunks.push(chunk); total += chunk.byteLength;
  }
  return new Response(String(total));
} }`,
    limit: "memory",
  },
];

/** The attacker: runs the runaway again and again until the deadline. Answers what it got. */
async function attack(runaway: Runaway, until: () => boolean): Promise<string> {
  const program = await submit(`${runaway.code}\n// attacker ${unique} ${runaway.name}`, visitors.attacker);
  const seen: string[] = [];
  // A top-level loop runs at submit already, where the program is loaded.
  if (program.loadError)
    seen.push(`submit: ${describe({ status: 503, text: JSON.stringify({ error: program.loadError }) })}`);
  let first: Answer | undefined;
  let record: Promise<string> | undefined;
  const answers: string[] = [];
  for (let n = 0; !until() && n < 1_000; n++) {
    // The later runs come as another visitor: history keeps a visitor's last 50 runs only, and the
    // first run's record must stay there until its console is in.
    const answer = await call(program.url, first ? visitors.attackerAgain : visitors.attacker);
    if (!first && runaway.answersFirst && answer.runId) record = recordOf(answer.runId);
    // It runs away 20 ms after it answers: a run sent before then is answered like any other (as fast
    // as the dev line answers, that happened), so its later runs start once it has run away.
    if (!first && runaway.answersFirst) await sleep(200);
    first ??= answer;
    answers.push(describe(answer));
  }
  const counts = new Map<string, number>();
  for (const answer of answers.slice(1)) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  const later = [...counts].map(([what, n]) => `${what} ×${n}`).join(", ") || "none";
  if (first) seen.push(`run: ${describe(first)}`);
  if (record) seen.push(`its record: ${await record}`);
  seen.push(`later runs: ${later}`);
  return seen.join("; ");
}

/** What the attacker's history says about a run, once its console is in (or after 5 s). */
async function recordOf(runId: string): Promise<string> {
  let record: RunRecord | undefined;
  for (let attempt = 0; attempt < 50; attempt++) {
    const answer = await call(`/api/runs/${runId}`, visitors.attacker);
    if (answer.status === 200) {
      record = JSON.parse(answer.text) as RunRecord;
      if (record.consoleReady) break;
    }
    await sleep(100);
  }
  if (!record) return "none";
  const error = record.error ? ` ${record.error.code}${record.error.limit ? ` ${record.error.limit}` : ""}` : "";
  return `${record.status} ${record.outcome}${error}${record.console.truncated ? ", console incomplete" : ""}`;
}

/** The runaway's own answers met the target: the limit error, where it could be given. */
function runawayAnswered(runaway: Runaway, what: string): boolean {
  const limitError = `503 limit_exceeded ${runaway.limit}`;
  const later = /later runs: (.*)$/.exec(what)?.[1] ?? "";
  const laterOk = later !== "none" && later.split(", ").every((part) => part.startsWith(limitError));
  if (runaway.answersFirst) return /run: 200/.test(what) && laterOk;
  if (/submit: /.test(what)) return what.includes(`submit: ${limitError}`) && laterOk;
  return what.includes(`run: ${limitError}`) && laterOk;
}

async function runawayScenario(runaway: Runaway): Promise<Row> {
  await settle();
  const url = await goodProgram(runaway.name);
  const runtimes = watchRuntimes();
  const deadline = Date.now() + SIZE.seconds * 1000;
  const until = () => Date.now() >= deadline;
  const good = traffic(url, visitors.good, "ok x", SIZE.concurrency, until);
  await sleep(300);
  const runawayAnswer = await attack(runaway, until);
  const { latencies, failures } = await good;
  const seen = runtimes.stop();
  const failedPercent = (failures.length / Math.max(1, latencies.length)) * 100;
  const max = Math.max(...latencies);
  if (failures.length > 0) console.log(`  ${runaway.name}: failed runs answered ${summarize(failures)}`);
  return {
    scenario: runaway.name,
    runs: latencies.length,
    failedPercent,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max,
    runaway: runawayAnswer,
    runtimes: `${seen.most} (${seen.mostInALane} in a lane)`,
    targets: [
      [
        `${runaway.name}: at most ${TARGET.failedPercent}% of the other visitor's runs fail`,
        failedPercent <= TARGET.failedPercent,
      ],
      [`${runaway.name}: none of them takes over ${TARGET.maxMs} ms`, max <= TARGET.maxMs],
      [`${runaway.name}: the runaway gets the ${runaway.limit} limit error`, runawayAnswered(runaway, runawayAnswer)],
    ],
  };
}

function summarize(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([what, n]) => `${what} ×${n}`).join(", ");
}

/** The CPU-heavy program: `n` rounds of integer arithmetic, asked in the query. */
const heavyCode = (label: string) =>
  `export default { fetch(req) {
  const n = Number(new URL(req.url).searchParams.get("n"));
  let h = 0;
  for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + i) | 0;
  return new Response(String(h));
} } // ${label} ${unique}`;

/** Rounds of the heavy loop per millisecond here, measured on a program of its own. */
async function calibrate(): Promise<number> {
  const program = await submit(heavyCode("calibration"), visitors.good);
  const rounds = 50_000_000;
  const times: number[] = [];
  for (let i = 0; i < 4; i++) {
    const answer = await call(`${program.url}?n=${rounds}`, visitors.good);
    if (answer.status !== 200) throw new Error(`the calibration program answered ${describe(answer)}`);
    times.push(answer.ms);
  }
  return rounds / Math.max(1, Math.min(...times.slice(1)));
}

async function heavyScenario(): Promise<Row> {
  await settle();
  const perMs = await calibrate();
  const rounds = Math.round(perMs * SIZE.heavyCpuMs);
  const trivial = await goodProgram("the fourth visitor's");
  const heavyVisitors = await Promise.all([1, 2, 3].map(() => visitorCookie(server.origin)));
  const heavyUrls = await Promise.all(
    heavyVisitors.map(async (cookie, n) => `${(await submit(heavyCode(`heavy ${n}`), cookie)).url}?n=${rounds}`),
  );
  const runtimes = watchRuntimes();
  const deadline = Date.now() + SIZE.heavySeconds * 1000;
  const until = () => Date.now() >= deadline;
  const heavyTimes: number[] = [];
  const heavyFailures: string[] = [];
  const heavy = Promise.all(
    heavyUrls.map(async (url, n) => {
      const cookie = heavyVisitors[n] ?? "";
      for (let i = 0; !until() && i < 1_000; i++) {
        const answer = await call(url, cookie);
        heavyTimes.push(answer.ms);
        if (answer.status !== 200) heavyFailures.push(describe(answer));
      }
    }),
  );
  // Let the heavy programs find their lane before the fourth visitor is measured.
  await sleep(Math.min(3_000, SIZE.heavySeconds * 250));
  const { latencies, failures } = await traffic(trivial, visitors.good, "ok x", 1, until);
  await heavy;
  const seen = runtimes.stop();
  const p50 = percentile(latencies, 50);
  const failedPercent = (failures.length / Math.max(1, latencies.length)) * 100;
  return {
    scenario: `3 visitors' ${SIZE.heavyCpuMs} ms CPU programs; a 4th's trivial runs`,
    runs: latencies.length,
    failedPercent,
    p50,
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    runaway: `heavy runs: ${heavyTimes.length}, p50 ${Math.round(percentile(heavyTimes, 50))} ms${heavyFailures.length ? `, failed: ${summarize(heavyFailures)}` : ""}`,
    runtimes: `${seen.most} (${seen.mostInALane} in a lane)`,
    targets: [
      [
        `heavy programs: the fourth visitor's trivial runs have p50 under ${TARGET.trivialP50Ms} ms`,
        p50 < TARGET.trivialP50Ms,
      ],
    ],
  };
}

async function calmScenario(): Promise<Row> {
  await settle();
  const url = await goodProgram("calm");
  const runtimes = watchRuntimes();
  const deadline = Date.now() + SIZE.seconds * 1000;
  const { latencies, failures } = await traffic(
    url,
    visitors.good,
    "ok x",
    SIZE.concurrency,
    () => Date.now() >= deadline,
  );
  const seen = runtimes.stop();
  return {
    scenario: "no runaway (reference)",
    runs: latencies.length,
    failedPercent: (failures.length / Math.max(1, latencies.length)) * 100,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    runaway: "–",
    runtimes: `${seen.most} (${seen.mostInALane} in a lane)`,
    targets: [],
  };
}

const rows: Row[] = [];
try {
  console.log(
    `isolation: ${SIZE.concurrency} runs of a well-behaved program always in flight for ${SIZE.seconds} s per runaway${tiny ? " (--tiny: too short to mean anything)" : ""}`,
  );
  rows.push(await calmScenario());
  for (const runaway of RUNAWAYS) {
    rows.push(await runawayScenario(runaway));
    console.log(`  done: ${runaway.name}`);
  }
  rows.push(await heavyScenario());
} finally {
  await server.stop();
  // What the supervisor decided (lanes, convictions, runtimes replaced), for a reader of the numbers.
  mkdirSync(LOG_DIR, { recursive: true });
  const decisions = server
    .output()
    .split("\n")
    .filter((line) => line.startsWith("[sandbox]"));
  writeFileSync(`${LOG_DIR}/isolation-sandbox.log`, `${decisions.join("\n")}\n`);
}

const ms = (value: number) => (Number.isFinite(value) ? Math.round(value).toString() : "–");
const header = [
  "scenario",
  "good runs",
  "failed %",
  "p50 ms",
  "p99 ms",
  "max ms",
  "the runaway's answer",
  "runtimes at most",
];
const table = [
  header,
  header.map(() => "---"),
  ...rows.map((row) => [
    row.scenario,
    String(row.runs),
    row.failedPercent.toFixed(2),
    ms(row.p50),
    ms(row.p99),
    ms(row.max),
    row.runaway,
    row.runtimes,
  ]),
]
  .map((cells) => `| ${cells.join(" | ")} |`)
  .join("\n");
console.log(table);
console.log(`the supervisor's log of this run: ${LOG_DIR}/isolation-sandbox.log`);
console.log(
  rows
    .flatMap((row) => row.targets)
    .map(([what, met]) => `- ${met ? "met" : "NOT met"}: ${what}`)
    .join("\n"),
);
