import { afterEach, describe, expect, it, vi } from "vitest";
import type { SubmitAnswer } from "../../src/base/answers";
import { call, newVisitor, postJson, recordOf, unique } from "../support/workerd/api";

const FETCHER = `export default { async fetch(req) {
  const target = new URL(req.url).searchParams.get("q");
  const response = await fetch(target, { headers: { "x-from-program": "yes" } });
  return new Response(await response.text(), { status: response.status });
} }`;

async function submitWithNetwork(code: string) {
  const response = await postJson("/submit", { code, network: true });
  expect(response.status).toBe(201);
  return (await response.json()) as SubmitAnswer;
}

describe("egress for programs submitted with network: true", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("is part of the program, and of its hash", async () => {
    const code = unique(FETCHER);
    const withNetwork = await submitWithNetwork(code);
    const without = (await (await postJson("/submit", { code })).json()) as SubmitAnswer;
    expect(withNetwork.network).toBe(true);
    expect(without.network).toBe(false);
    expect(withNetwork.hash).not.toBe(without.hash);
  });

  it("reaches an allowed host with the operator's secret header added, and records the request", async () => {
    const upstream: Request[] = [];
    const realFetch = globalThis.fetch;
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      if (new URL(request.url).hostname !== "api.example.test") return realFetch(input, init);
      upstream.push(request);
      return Response.json({ upstream: "ok" });
    });
    const visitor = await newVisitor();
    const program = await submitWithNetwork(unique(FETCHER));
    const response = await call(`${program.url}?q=${encodeURIComponent("https://api.example.test/data?page=2")}`, {
      headers: { cookie: visitor },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ upstream: "ok" });
    expect(upstream).toHaveLength(1);
    expect(upstream[0]?.headers.get("authorization")).toBe("Bearer operator-secret");
    expect(upstream[0]?.headers.get("x-from-program")).toBe("yes");

    const record = await recordOf(visitor, response.headers.get("x-run-id") ?? "");
    expect(record.egress).toHaveLength(1);
    expect(record.egress[0]).toMatchObject({
      method: "GET",
      host: "api.example.test",
      path: "/data",
      status: 200,
      blocked: false,
    });
  });

  it("answers 403 for any host not on the allowlist, and records that too", async () => {
    const visitor = await newVisitor();
    const program = await submitWithNetwork(unique(FETCHER));
    const response = await call(`${program.url}?q=${encodeURIComponent("https://elsewhere.example/steal")}`, {
      headers: { cookie: visitor },
    });
    expect(response.status).toBe(403);
    expect(await response.text()).toMatch(/does not allow elsewhere\.example/);
    const record = await recordOf(visitor, response.headers.get("x-run-id") ?? "");
    expect(record.egress[0]).toMatchObject({ host: "elsewhere.example", path: "/steal", status: 403, blocked: true });
  });

  it("never shows the program the operator's secret", async () => {
    const program = await submitWithNetwork(
      unique(`export default { async fetch(req, env) {
        const names = Object.getOwnPropertyNames(globalThis).filter((name) => /EGRESS|SECRET/i.test(name));
        const values = Object.values(env).map((value) => String(value)).join(" ");
        return Response.json({ env: Object.keys(env), names, text: values.includes("operator-secret") });
      } }`),
    );
    expect(await (await call(program.url)).json()).toEqual({ env: ["STORE"], names: [], text: false });
  });
});
