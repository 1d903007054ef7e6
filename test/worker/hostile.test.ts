import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectDocumented, hostileRequest } from "../support/hostile";
import { call, newVisitor, submit, unique } from "../support/workerd/api";

describe("hostile input at every route", () => {
  it("only ever gets documented statuses, and leaves stored programs and history untouched", async () => {
    const code = unique("return 'precious';");
    const program = await submit(code);
    const visitor = await newVisitor();
    await call(`${program.url}?prompt=keep-me`, { headers: { cookie: visitor } });
    let history = "";
    for (let attempt = 0; attempt < 100 && !history.includes("keep-me"); attempt++) {
      history = await (await call("/api/history", { headers: { cookie: visitor } })).text();
    }

    await fc.assert(
      fc.asyncProperty(hostileRequest, async (request) =>
        expectDocumented(request, await call(request.path, request.init)),
      ),
      { numRuns: 250 },
    );

    const stored = await call(`/api/programs/${program.hash}`);
    expect(((await stored.json()) as { code: string }).code).toBe(code);
    expect(await (await call("/api/history", { headers: { cookie: visitor } })).text()).toBe(history);
    expect(await (await call(`${program.url}`)).json()).toBe("precious");
  });
});
