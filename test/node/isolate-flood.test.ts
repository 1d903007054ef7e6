import { describe, expect, it } from "vitest";
import { devLineForSuite } from "../support/node/dev-line.ts";

/**
 * More distinct programs than a runtime's memory holds isolates for, all run at the same moment: what
 * a hundred visitors trying new programs do to probation, or one visitor on purpose. Each needs an
 * isolate of its own (about 2–3 MiB of writable memory each); before the runtime bounded how many it
 * builds at once, 200 of them took probation's runtime past the kernel's data limit, and 143 of the
 * 200 runs, everybody's, failed with `503 limit_exceeded/memory`.
 */
const PROGRAMS = 230;

describe("a flood of new programs run at once on the README's dev line", () => {
  // Rate limits off: one client stands for the many visitors a flood needs.
  const server = devLineForSuite({ PROMPTLOG_RATE_LIMITS: "off" });

  const submit = (code: string) => server.submitNew(code);

  async function submitAll(): Promise<string[]> {
    const urls: string[] = [];
    const tag = Date.now();
    for (let n = 0; n < PROGRAMS; n++) urls.push(await submit(`return "program ${n} ${tag} " + prompt;`));
    return urls;
  }

  /** Every program run once, all at the same moment: the answers that were not the program's own. */
  async function runAllAtOnce(urls: string[], prompt: string): Promise<string[]> {
    const answers = await Promise.all(urls.map((url) => server.call(`${url}?prompt=${prompt}`, undefined, 60_000)));
    return answers.flatMap((answer, n) =>
      answer.status === 200 && answer.text.endsWith(` ${prompt}"`) && answer.text.startsWith(`"program ${n} `)
        ? []
        : [`${n}: ${answer.status} ${answer.text.slice(0, 160)}`],
    );
  }

  it("answers every run, first and second, and no runtime ends for memory", async () => {
    const urls = await submitAll();
    // First runs: past the 12 programs loaded ahead at submit, each needs an isolate now.
    expect(await runAllAtOnce(urls, "first")).toEqual([]);
    // Second runs: each program's isolate is kept for its later runs.
    expect(await runAllAtOnce(urls, "second")).toEqual([]);
    expect(server.output()).not.toMatch(/ended \(memory\)|out of memory|killing it/);
  }, 180_000);

  it("does not let slow new programs hold up the first runs of others", async () => {
    // More programs than a runtime builds at once, each waiting 6 s before it answers: a quick new program
    // run after them still answers first (a building place held for 2 s goes to the next in line).
    const tag = Date.now();
    // Thirty programs loaded ahead and never run: past them a submit loads nothing ahead, so each run
    // below builds its program's isolate.
    for (let n = 0; n < 30; n++) await submit(`return "never run ${n} ${tag}";`);
    const sleepers: string[] = [];
    for (let n = 0; n < 20; n++) {
      sleepers.push(
        await submit(
          `export default { async fetch() { await new Promise((r) => setTimeout(r, 6000)); return new Response("slept ${n} ${tag}"); } }`,
        ),
      );
    }
    const quick = await submit(`return "quick ${tag}";`);
    const order: string[] = [];
    const slept = sleepers.map((url) =>
      server.call(url, undefined, 30_000).then((answer) => order.push(`slept ${answer.status}`)),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const ran = await server.call(quick, undefined, 30_000);
    order.push(`quick ${ran.status}`);
    await Promise.all(slept);
    expect(order[0]).toBe("quick 200");
    expect(order.filter((entry) => entry === "slept 200")).toHaveLength(20);
  }, 60_000);
});
