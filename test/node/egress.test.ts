import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunRecord, SubmitAnswer } from "../../src/base/answers.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";

/** The upstream our test controls, on loopback: it answers with the headers it received. */
function startUpstream(): Promise<Server> {
  const server = createServer((request, response) => {
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ path: request.url, key: request.headers["x-operator-key"] ?? null }));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("egress on the README's dev line, against a loopback upstream", () => {
  const server = devLineForSuite({
    EGRESS_ALLOW: "127.0.0.1",
    EGRESS_HEADERS: JSON.stringify({ "127.0.0.1": { "x-operator-key": "s3cret" } }),
  });
  let upstream: Server;
  beforeAll(async () => {
    upstream = await startUpstream();
  });
  afterAll(() => {
    upstream?.close();
  });

  async function runWithNetwork(target: string) {
    const submitted = await fetch(`${server.origin}/submit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        code: "export default { async fetch(req) { const r = await fetch(new URL(req.url).searchParams.get('q')); return new Response(await r.text(), { status: r.status }) } }",
        network: true,
      }),
    });
    const { url } = (await submitted.json()) as SubmitAnswer;
    const response = await fetch(`${server.origin}${url}?q=${encodeURIComponent(target)}`, {
      headers: { cookie: server.cookie },
    });
    const body = await response.text();
    const id = response.headers.get("x-run-id") ?? "";
    let record: RunRecord | undefined;
    for (let attempt = 0; attempt < 100 && !record?.consoleReady; attempt++) {
      const answer = await fetch(`${server.origin}/api/runs/${id}`, { headers: { cookie: server.cookie } });
      if (answer.ok) record = (await answer.json()) as RunRecord;
      else await new Promise((resolve) => setTimeout(resolve, 30));
    }
    return { status: response.status, body, record };
  }

  it("reaches the allowed upstream with the operator's header and records it", async () => {
    const { port } = upstream.address() as AddressInfo;
    const { status, body, record } = await runWithNetwork(`http://127.0.0.1:${port}/hello`);
    expect(status).toBe(200);
    expect(JSON.parse(body)).toEqual({ path: "/hello", key: "s3cret" });
    expect(record?.egress).toEqual([
      expect.objectContaining({ method: "GET", host: "127.0.0.1", path: "/hello", status: 200, blocked: false }),
    ]);
  });

  it("refuses a host that is not allowed", async () => {
    const { port } = upstream.address() as AddressInfo;
    const { status, record } = await runWithNetwork(`http://localhost:${port}/hello`);
    expect(status).toBe(403);
    expect(record?.egress).toEqual([expect.objectContaining({ host: "localhost", status: 403, blocked: true })]);
  });
});
