import { describe, expect, it } from "vitest";
import { call, expectError, submit, unique } from "../support/workerd/api";

const PERIOD_MS = 60_000;

/**
 * The binding counts in fixed windows aligned to the wall clock (as Cloudflare's does), so a test
 * that crosses a minute boundary would see its count reset. Start the count in a window with at
 * least `neededMs` left; CI has taken up to 10 s for the submits.
 */
async function inFreshWindow(neededMs: number): Promise<void> {
  const left = PERIOD_MS - (Date.now() % PERIOD_MS);
  if (left < neededMs) await new Promise((resolve) => setTimeout(resolve, left + 250));
}

describe("rate limits (the Workers Rate Limiting binding, per client)", () => {
  it("answer 429 with Retry-After past 60 submits a minute, for that client only", async () => {
    const client = "203.0.113.7";
    await inFreshWindow(30_000);
    const statuses: number[] = [];
    for (let i = 0; i < 61; i++) {
      const response = await call("/submit", {
        method: "POST",
        headers: { "content-type": "application/json", "cf-connecting-ip": client },
        body: JSON.stringify({ code: unique(`return ${i};`) }),
      });
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers.get("retry-after")).toBe("60");
        await expectError(response, 429, "rate_limited");
      }
    }
    expect(statuses.slice(0, 60).every((status) => status === 201)).toBe(true);
    expect(statuses[60]).toBe(429);
    expect((await submit(unique("return 'someone else';"))).hash).toMatch(/^[0-9a-f]{64}$/);
  }, 60_000);

  it("answer 429 past 300 runs a minute", async () => {
    const program = await submit(unique("return 1;"));
    const client = "203.0.113.8";
    await inFreshWindow(20_000);
    let limited: Response | undefined;
    for (let i = 0; i < 301 && !limited; i++) {
      const response = await call(program.url, { headers: { "cf-connecting-ip": client } });
      if (response.status === 429) limited = response;
      else await response.text();
    }
    expect(limited).toBeDefined();
    expect(limited?.headers.get("retry-after")).toBe("60");
  }, 60_000);
});
