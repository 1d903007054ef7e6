// Load beyond one client: many visitors (each with its own cookie) running many distinct programs at
// once, some new (submitted during the run), some throwing, some busy-looping forever. What matters is
// what the well-behaved runs see: their latency and how many fail.
import type { SubmitAnswer } from "../src/base/answers.ts";

export interface MixedLoadSize {
  visitors: number;
  programs: number;
  seconds: number;
}

export const MIXED_FULL: MixedLoadSize = { visitors: 100, programs: 1_000, seconds: 20 };
export const MIXED_TINY: MixedLoadSize = { visitors: 10, programs: 50, seconds: 2 };

/** Shares of the runs: a program submitted just now, one that throws, one that never ends. */
const NEW_SHARE = 0.1;
const ERRORING_SHARE = 0.05;
const RUNAWAY_SHARE = 0.01;

export interface MixedLoadResult {
  size: MixedLoadSize;
  /** Runs by kind: "known" (a well-behaved program of the set), "new", "erroring", "runaway". */
  runs: Record<string, number>;
  /** Well-behaved runs (known and new programs): latency of the run alone, and the share that failed. */
  goodP50: number;
  goodP99: number;
  goodErrorRate: number;
  /** Answers of the erroring and runaway runs, and the failed well-behaved ones ("good"), by status ("error": no answer). */
  badStatuses: Record<string, Record<string, number>>;
}

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

/** An error answer's code (and limit), as " limit_exceeded/cpuMs": which failure it was, in the table. */
function errorOf(text: string): string {
  try {
    const { error } = JSON.parse(text) as { error?: { code?: unknown; limit?: unknown } };
    if (typeof error?.code !== "string") return "";
    return ` ${error.code}${typeof error.limit === "string" ? `/${error.limit}` : ""}`;
  } catch {
    return "";
  }
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pooled<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}

/**
 * Runs the mixed load against a server's origin. `runaway: false` leaves the busy loops out (a plain
 * workerd has no CPU limit: a busy loop would hold its thread for good). `maxNew`: at most this many
 * programs submitted during the run, later "new" runs run one of the set instead (one workerd process
 * aborts once its isolates fill V8's pointer cage: about 1,900 of raw workerd's, about 1,000 of the
 * app's programs; Cloudflare evicts idle isolates, a local workerd does not).
 */
export async function mixedLoad(
  origin: string,
  size: MixedLoadSize,
  options: { runaway: boolean; maxNew?: number },
): Promise<MixedLoadResult> {
  const tag = `${Date.now()}`;
  const good = (n: string) =>
    `export default { fetch(req) { return new Response("mixed ${n} ${tag} " + new URL(req.url).searchParams.get("q")) } }`;
  const erroring = (n: number) => `export default { fetch() { throw new Error("planned failure ${n} ${tag}") } }`;
  const runaway = (n: number) => `export default { fetch() { while (true) {} return new Response("${n} ${tag}") } }`;
  const submit = async (code: string): Promise<string> => {
    const response = await fetch(`${origin}/submit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code }),
      signal: AbortSignal.timeout(30_000),
    });
    const answer = (await response.json()) as SubmitAnswer;
    if (!response.ok) throw new Error(`a mixed-load submit answered ${response.status}`);
    return answer.url;
  };

  const erroringCount = Math.max(1, Math.round(size.programs * ERRORING_SHARE));
  const runawayCount = options.runaway ? Math.max(1, Math.round(size.programs * RUNAWAY_SHARE)) : 0;
  const goodCount = size.programs - erroringCount - runawayCount;
  const sources = [
    ...Array.from({ length: goodCount }, (_, n) => ({ kind: "known", code: good(`known-${n}`) })),
    ...Array.from({ length: erroringCount }, (_, n) => ({ kind: "erroring", code: erroring(n) })),
    ...Array.from({ length: runawayCount }, (_, n) => ({ kind: "runaway", code: runaway(n) })),
  ];
  const urls = await pooled(sources, 8, (source) => submit(source.code));
  const byKind = (kind: string) => urls.filter((_, i) => sources[i]?.kind === kind);
  const pools: Record<string, string[]> = {
    known: byKind("known"),
    erroring: byKind("erroring"),
    runaway: byKind("runaway"),
  };
  const cookies = await pooled(Array.from({ length: size.visitors }), 8, async () => {
    const first = await fetch(`${origin}/api/history`);
    await first.arrayBuffer();
    return /promptlog_visitor=[^;]+/.exec(first.headers.get("set-cookie") ?? "")?.[0] ?? "";
  });

  const runs: Record<string, number> = { known: 0, new: 0, erroring: 0, runaway: 0 };
  const goodTimes: number[] = [];
  let goodFailed = 0;
  const badStatuses: Record<string, Record<string, number>> = { good: {}, erroring: {}, runaway: {} };
  const tally = (kind: string, status: string) => {
    const statuses = badStatuses[kind] ?? {};
    statuses[status] = (statuses[status] ?? 0) + 1;
    badStatuses[kind] = statuses;
  };
  let fresh = 0;
  const deadline = performance.now() + size.seconds * 1000;
  const pick = (list: string[]) => list[Math.floor(Math.random() * list.length)] ?? "";
  await Promise.all(
    cookies.map(async (cookie) => {
      while (performance.now() < deadline) {
        const roll = Math.random();
        const kind =
          roll < NEW_SHARE
            ? fresh < (options.maxNew ?? Number.POSITIVE_INFINITY)
              ? "new"
              : "known"
            : roll < NEW_SHARE + ERRORING_SHARE
              ? "erroring"
              : roll < NEW_SHARE + ERRORING_SHARE + RUNAWAY_SHARE && options.runaway
                ? "runaway"
                : "known";
        runs[kind] = (runs[kind] ?? 0) + 1;
        let url: string;
        try {
          url = kind === "new" ? await submit(good(`new-${fresh++}`)) : pick(pools[kind] ?? []);
        } catch {
          goodFailed++;
          tally("good", "submit failed");
          continue;
        }
        const started = performance.now();
        let status = "error";
        try {
          const response = await fetch(`${origin}${url}?q=x`, {
            headers: { cookie },
            signal: AbortSignal.timeout(30_000),
          });
          status = `${response.status}${errorOf(await response.text())}`;
        } catch {
          // no answer at all: counted as "error"
        }
        if (kind === "known" || kind === "new") {
          if (status === "200") goodTimes.push(performance.now() - started);
          else {
            goodFailed++;
            tally("good", status);
          }
        } else tally(kind, status);
      }
    }),
  );
  const good_ = (runs.known ?? 0) + (runs.new ?? 0);
  return {
    size,
    runs,
    goodP50: percentile(goodTimes, 50),
    goodP99: percentile(goodTimes, 99),
    goodErrorRate: good_ === 0 ? 0 : goodFailed / good_,
    badStatuses,
  };
}

/** One table row for a mixed-load result. */
export function mixedLoadRow(name: string, result: MixedLoadResult): string[] {
  const statuses = (kind: string) =>
    Object.entries(result.badStatuses[kind] ?? {})
      .map(([status, count]) => `${count}× ${status}`)
      .join(", ") || "–";
  return [
    name,
    String(result.size.visitors),
    String(result.size.programs),
    `${result.size.seconds} s`,
    String((result.runs.known ?? 0) + (result.runs.new ?? 0)),
    String(result.runs.new ?? 0),
    result.goodP50.toFixed(2),
    result.goodP99.toFixed(2),
    `${(result.goodErrorRate * 100).toFixed(2)}%${result.goodErrorRate > 0 ? ` (${statuses("good")})` : ""}`,
    statuses("erroring"),
    statuses("runaway"),
  ];
}

export const MIXED_HEADER = [
  "server",
  "visitors",
  "programs",
  "run for",
  "well-behaved runs",
  "of them new programs",
  "p50 ms",
  "p99 ms",
  "failed",
  "erroring runs answered",
  "runaway runs answered",
];
