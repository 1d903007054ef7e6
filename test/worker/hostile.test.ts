import { exports } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { expectDocumented, hostileRequest } from "../support/hostile";
import { call, expectError, newVisitor, submit, unique } from "../support/workerd/api";

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

describe("methods and hosts", () => {
  it("answers a known path asked with another method 405, naming the methods it has in Allow", async () => {
    for (const [method, path, allow] of [
      ["PUT", "/submit", "POST"],
      ["PATCH", "/api/history", "DELETE, GET, HEAD"],
      ["DELETE", `/run/${"a".repeat(64)}`, "GET, HEAD, POST"],
    ] as const) {
      const response = await call(path, { method });
      await expectError(response, 405, "method_not_allowed");
      expect(response.headers.get("allow")).toBe(allow);
    }
    await expectError(await call("/nowhere", { method: "PUT" }), 404, "route_not_found");
  });

  it("answers 421 for a Host it does not serve (DNS rebinding), before any route", async () => {
    for (const host of ["evil.example", "evil.example:8787", "127.0.0.1:8787", "localhost:9999"]) {
      const response = await exports.default.fetch(new Request(`http://${host}/api/history`));
      await expectError(response, 421, "misdirected_request");
      expect(response.headers.get("set-cookie")).toBeNull();
    }
  });
});
