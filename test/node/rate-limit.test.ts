import { describe, expect, it } from "vitest";
import { devLineForSuite } from "../support/node/dev-line.ts";

describe("rate limits on the README's dev line", () => {
  const server = devLineForSuite();

  it("answer the 61st submit in a minute from one client with 429 and Retry-After, whatever CF-Connecting-IP it claims", async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 61; i++) {
      const response = await fetch(`${server.origin}/submit`, {
        method: "POST",
        // Locally no Cloudflare sets it: a client naming a new address each time is still one client.
        headers: { "content-type": "application/json", "cf-connecting-ip": `10.0.${i}.1` },
        body: JSON.stringify({ code: `return ${i};` }),
      });
      statuses.push(response.status);
      if (response.status === 429) {
        retryAfter = response.headers.get("retry-after");
        expect(await response.json()).toMatchObject({ error: { code: "rate_limited" } });
      } else await response.text();
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(60);
    expect(statuses[60]).toBe(429);
    expect(retryAfter).toBe("60");
  });
});
