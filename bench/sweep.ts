// `bun run bench:sweep [count]`: runs `count` (default 5,000) distinct programs one after another on
// the README's dev line and prints the dev runtime's resident memory as it goes, while one program
// is run repeatedly to show it stays warm. Exits non-zero if the whole runtime passes the bound.
import { startDevServer, tempStateDir, visitorCookie } from "../scripts/dev-line/dev-server.ts";
import type { SubmitAnswer } from "../src/base/answers.ts";
import { kindOf, members } from "./processes.ts";

const COUNT = Number(process.argv[2] ?? process.env.SWEEP_COUNT ?? 5_000);
/** The bound on the whole dev runtime: every process the README's dev line started. */
const BOUND_MIB = 1_024;
const REPORT_EVERY = Math.max(1, Math.min(500, Math.floor(COUNT / 10)));

// One client running thousands of programs is far past the per-client rate limits, on purpose.
const server = await startDevServer({ persistTo: tempStateDir(), env: { PROMPTLOG_RATE_LIMITS: "off" } });
const pgid = server.process.pid ?? 0;
// One visitor, as a person sweeping programs in the playground would be.
const cookie = await visitorCookie(server.origin);

async function submit(code: string): Promise<string> {
  const response = await fetch(`${server.origin}/submit`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code }),
  });
  return ((await response.json()) as SubmitAnswer).url;
}

async function run(url: string): Promise<{ status: number; text: string; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${server.origin}${url}`, { headers: { cookie } });
  return { status: response.status, text: await response.text(), ms: performance.now() - started };
}

async function submitAndRun(code: string) {
  const started = performance.now();
  const result = await run(`${await submit(code)}?q=x`);
  return { ...result, ms: performance.now() - started };
}

const hot = await submit(`let runs = 0; export default { fetch() { return new Response(String(++runs)) } }`);
await run(hot);

console.log(`sweep of ${COUNT} distinct programs, bound ${BOUND_MIB} MiB for the whole dev runtime`);
console.log(
  "programs | whole dev runtime MiB | app workerd | sandbox workerd | npm, bun, node, esbuild | hot program's run count (counting up = warm) | hot run ms | new program ms (submit + first run)",
);
let peak = 0;
let failures = 0;
let sinceReport: number[] = [];
const started = performance.now();
for (let i = 1; i <= COUNT; i++) {
  const result = await submitAndRun(
    `export default { fetch(req) { return new Response("program ${i}: " + new URL(req.url).searchParams.get("q")) } }`,
  );
  if (result.status !== 200) failures++;
  sinceReport.push(result.ms);
  if (i % REPORT_EVERY === 0 || i === COUNT) {
    const hotRun = await run(hot);
    const all = members(pgid);
    const sum = (kind: string) => all.filter((m) => kindOf(m) === kind).reduce((total, m) => total + m.rssMib, 0);
    const total = all.reduce((sumSoFar, member) => sumSoFar + member.rssMib, 0);
    peak = Math.max(peak, total);
    const mean = sinceReport.reduce((a, b) => a + b, 0) / sinceReport.length;
    console.log(
      [i, total, sum("app"), sum("sandbox"), sum("node")].map((n) => Math.round(n)).join(" | ") +
        ` | ${hotRun.text} | ${hotRun.ms.toFixed(1)} | ${mean.toFixed(1)}`,
    );
    sinceReport = [];
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `done: ${COUNT} programs in ${seconds.toFixed(1)} s, ${failures} failed runs, peak ${Math.round(peak)} MiB (bound ${BOUND_MIB} MiB)`,
);
await server.stop();
if (failures > 0 || peak > BOUND_MIB) {
  console.error(
    failures > 0
      ? "FAIL: some runs failed"
      : `FAIL: the dev runtime's peak resident memory ${Math.round(peak)} MiB is over ${BOUND_MIB} MiB`,
  );
  process.exit(1);
}
