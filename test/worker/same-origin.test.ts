import { describe, expect, it } from "vitest";
import { call, expectError, newVisitor, ORIGIN, postJson, submit, unique } from "../support/workerd/api";

describe("state-changing requests from other sites", () => {
  it("are refused for submit, POST runs and clearing history", async () => {
    const program = await submit(unique("export default { fetch() { return new Response('ran') } }"));
    const visitor = await newVisitor();
    const attacks: [string, RequestInit][] = [
      [
        "/submit",
        {
          method: "POST",
          headers: { "content-type": "application/json", origin: "https://evil.example" },
          body: '{"code":"return 1"}',
        },
      ],
      [
        program.url,
        {
          method: "POST",
          headers: { "content-type": "text/plain", "sec-fetch-site": "cross-site", cookie: visitor },
          body: "x",
        },
      ],
      ["/api/history", { method: "DELETE", headers: { "sec-fetch-site": "same-site", cookie: visitor } }],
      ["/api/history", { method: "DELETE", headers: { origin: "null", cookie: visitor } }],
    ];
    for (const [path, init] of attacks) await expectError(await call(path, init), 403, "cross_site_request");
  });

  it("are accepted from the page itself and from API clients that send no browser headers", async () => {
    const own = await postJson(
      "/submit",
      { code: unique("return 1;") },
      { origin: ORIGIN, "sec-fetch-site": "same-origin" },
    );
    expect([200, 201]).toContain(own.status);
    const curl = await postJson("/submit", { code: unique("return 2;") });
    expect([200, 201]).toContain(curl.status);
    const visitor = await newVisitor();
    expect((await call("/api/history", { method: "DELETE", headers: { cookie: visitor } })).status).toBe(204);
  });

  it("leave GET requests alone, so run links work from anywhere", async () => {
    const program = await submit(unique("return 'linked';"));
    const response = await call(program.url, { headers: { "sec-fetch-site": "cross-site" } });
    expect(await response.json()).toBe("linked");
  });
});
