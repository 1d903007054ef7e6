// The per-run counts docs/scale.md prices: on the production path (src/index.ts in one workerd), how
// many calls into the Worker, each Durable Object, the Worker Loader and the programs' isolates one
// submit and one run cause, counted inside the app's isolate (bench/call-counter.ts); and what the
// Durable Objects hold afterwards, read from their SQLite files. Runs with a visitor's cookie and
// without one are counted apart.
import type { SubmitAnswer } from "../src/base/answers.ts";
import { type Counts, countsSince, readCounts } from "./call-counter.ts";
import { startProductionApp } from "./production-app.ts";
import { type ClassStats, storageSnapshot } from "./storage-counts.ts";

/** HISTORY_SIZE of src/config/limits.ts (which Node cannot import: src/ resolves as the worker does). */
const HISTORY_SIZE = 50;

export interface PhaseCounts {
  /** Calls per submit or run, by "<class, Worker, Worker Loader or program isolate>.<method>". */
  perOperation: Record<string, number>;
  /** Rows added per operation (net, after deletes), by "<class>.<table>". */
  rowsAdded: Record<string, number>;
  /** Payload bytes added per operation, by "<class>.<table>". */
  bytesAdded: Record<string, number>;
  /** Database bytes added per operation, by class (new objects' own overhead included). */
  fileBytesAdded: Record<string, number>;
  /** Objects created per operation, by class. */
  objectsAdded: Record<string, number>;
}

export interface PerRunCounts {
  submit: PhaseCounts;
  runWithCookie: PhaseCounts;
  /** Runs of a visitor whose history is full (HISTORY_SIZE runs): each pushes the oldest out. */
  runFullHistory: PhaseCounts;
  runWithoutCookie: PhaseCounts;
  /** Runs with an API token (Authorization: Bearer); null when no token could be made. */
  runWithToken: PhaseCounts | null;
  programs: number;
  runs: number;
}

const program = (n: number) =>
  `export default { fetch(req) { return new Response("counted ${n} ${Date.now()} " + new URL(req.url).searchParams.get("q")) } }`;

export async function measurePerRunCounts(options: {
  dir: string;
  stateDir: string;
  tiny: boolean;
}): Promise<PerRunCounts> {
  const programs = options.tiny ? 3 : 20;
  // Below HISTORY_SIZE: no run's record pushes an older one out, so rows added are the runs'.
  const runs = options.tiny ? 6 : 40;
  const app = await startProductionApp({ dir: options.dir, stateDir: options.stateDir, countCalls: true });
  const counts = app.origin;
  try {
    const visitor = async () => {
      const first = await fetch(`${app.origin}/api/history`);
      await first.arrayBuffer();
      return /promptlog_visitor=[^;]+/.exec(first.headers.get("set-cookie") ?? "")?.[0] ?? "";
    };
    const cookie = await visitor();
    const phase = async (operations: number, work: () => Promise<void>): Promise<PhaseCounts> => {
      await settle(counts);
      const before = { counts: await readCounts(counts), storage: storageSnapshot(app.stateDir) };
      await work();
      await settle(counts);
      return perOperation(operations, before, {
        counts: await readCounts(counts),
        storage: storageSnapshot(app.stateDir),
      });
    };
    const urls: string[] = [];
    const submit = await phase(programs, async () => {
      for (let n = 0; n < programs; n++) {
        const response = await fetch(`${app.origin}/submit`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ code: program(n) }),
        });
        urls.push(((await response.json()) as SubmitAnswer).url);
      }
    });
    const runAll =
      (headers: Record<string, string>, count = runs) =>
      async () => {
        for (let n = 0; n < count; n++) {
          const response = await fetch(`${app.origin}${urls[n % urls.length]}?q=x`, { headers });
          await response.arrayBuffer();
          if (!response.ok) throw new Error(`a counted run answered ${response.status}`);
        }
      };
    const runWithCookie = await phase(runs, runAll({ cookie }));
    const veteran = await visitor();
    await runAll({ cookie: veteran }, HISTORY_SIZE)();
    const runFullHistory = await phase(runs, runAll({ cookie: veteran }));
    const runWithoutCookie = await phase(runs, runAll({}));
    const made = await fetch(`${app.origin}/tokens`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({ name: "bench" }),
    });
    const token = made.ok ? ((await made.json()) as { token?: string }).token : undefined;
    const runWithToken = token ? await phase(runs, runAll({ authorization: `Bearer ${token}` })) : null;
    return { submit, runWithCookie, runFullHistory, runWithoutCookie, runWithToken, programs, runs };
  } finally {
    await app.stop();
  }
}

/** Waits until the counts stop moving: a run's history and console are written after its answer. */
async function settle(origin: string): Promise<void> {
  let last = JSON.stringify(await readCounts(origin));
  for (let quiet = 0; quiet < 2; ) {
    // Longer than LOG_WAIT_MS (1.5 s), the most a recorder waits for a run's console.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const now = JSON.stringify(await readCounts(origin));
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
}

function perOperation(
  operations: number,
  before: { counts: Counts; storage: Record<string, ClassStats> },
  after: { counts: Counts; storage: Record<string, ClassStats> },
): PhaseCounts {
  const per = (value: number) => value / operations;
  const result: PhaseCounts = { perOperation: {}, rowsAdded: {}, bytesAdded: {}, fileBytesAdded: {}, objectsAdded: {} };
  for (const [key, value] of Object.entries(countsSince(before.counts, after.counts))) {
    result.perOperation[key] = per(value);
  }
  for (const [name, stats] of Object.entries(after.storage)) {
    const earlier = before.storage[name];
    const objects = stats.objects - (earlier?.objects ?? 0);
    if (objects) result.objectsAdded[name] = per(objects);
    const fileBytes = stats.fileBytes - (earlier?.fileBytes ?? 0);
    if (fileBytes) result.fileBytesAdded[name] = per(fileBytes);
    for (const [table, now] of Object.entries(stats.tables)) {
      const then = earlier?.tables[table];
      const rows = now.rows - (then?.rows ?? 0);
      const bytes = now.payloadBytes - (then?.payloadBytes ?? 0);
      if (rows) result.rowsAdded[`${name}.${table}`] = per(rows);
      if (bytes) result.bytesAdded[`${name}.${table}`] = per(bytes);
    }
  }
  return result;
}

/** The counts as a Markdown table: one row per thing counted, one column per operation. */
export function perRunTable(counts: PerRunCounts): string {
  const phases: [string, PhaseCounts][] = [
    ["per submit", counts.submit],
    ["per run, visitor's cookie", counts.runWithCookie],
    [`per run, visitor with ${HISTORY_SIZE} runs in history`, counts.runFullHistory],
    ["per run, no cookie", counts.runWithoutCookie],
    ...(counts.runWithToken ? ([["per run, API token", counts.runWithToken]] as [string, PhaseCounts][]) : []),
  ];
  const only = (record: Record<string, number>, storage: boolean) =>
    Object.fromEntries(Object.entries(record).filter(([key]) => key.includes(": ") === storage));
  const rows: [string, (p: PhaseCounts) => Record<string, number>][] = [
    ["calls", (p) => only(p.perOperation, false)],
    ["storage", (p) => only(p.perOperation, true)],
    ["rows added (net)", (p) => p.rowsAdded],
    ["payload bytes added", (p) => p.bytesAdded],
    ["database bytes added", (p) => p.fileBytesAdded],
    ["objects created", (p) => p.objectsAdded],
  ];
  const lines = [
    `| what | ${phases.map(([name]) => name).join(" | ")} |`,
    `| --- | ${phases.map(() => "---").join(" | ")} |`,
  ];
  for (const [label, pick] of rows) {
    const keys = [...new Set(phases.flatMap(([, p]) => Object.keys(pick(p))))].sort();
    for (const key of keys) {
      const cells = phases.map(([, p]) => {
        const value = pick(p)[key];
        return value === undefined ? "0" : Number.isInteger(value) ? String(value) : value.toFixed(2);
      });
      lines.push(`| ${label}: ${key} | ${cells.join(" | ")} |`);
    }
  }
  return lines.join("\n");
}
