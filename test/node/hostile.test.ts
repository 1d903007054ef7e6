import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SubmitAnswer } from "../../src/base/answers.ts";
import { expectDocumented, hostileRequest } from "../support/hostile.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";

describe("hostile input over real HTTP, on the README's dev line", () => {
  const server = devLineForSuite();

  it("only ever gets documented statuses, and leaves stored programs and history untouched", async () => {
    const submitted = await fetch(`${server.origin}/submit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code: "return 'precious';" }),
    });
    const { url, hash } = (await submitted.json()) as SubmitAnswer;
    const { cookie } = server;
    await (await fetch(`${server.origin}${url}?prompt=keep-me`, { headers: { cookie } })).text();
    const history = async () => (await fetch(`${server.origin}/api/history`, { headers: { cookie } })).text();
    let before = "";
    for (let attempt = 0; attempt < 100 && !before.includes("keep-me"); attempt++) before = await history();

    let answered = 0;
    await fc.assert(
      fc.asyncProperty(hostileRequest, async (request) => {
        let response: Response;
        try {
          response = await fetch(`${server.origin}${request.path}`, { ...request.init, redirect: "manual" });
        } catch (error) {
          // Node's own client refuses some of these before they leave (a body on GET, say): not our answer.
          if (error instanceof TypeError) return true;
          throw error;
        }
        answered++;
        return expectDocumented(request, response);
      }),
      { numRuns: 150 },
    );
    expect(answered).toBeGreaterThan(100);

    const stored = (await (await fetch(`${server.origin}/api/programs/${hash}`)).json()) as { code: string };
    expect(stored.code).toBe("return 'precious';");
    expect(await history()).toBe(before);
    expect(await (await fetch(`${server.origin}${url}`)).json()).toBe("precious");
  });
});
