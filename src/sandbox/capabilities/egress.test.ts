import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import type { EgressEntry } from "../../base/answers";
import type { EgressPolicy } from "../../config/egress";
import { forwardEgress } from "./egress";

const policy: EgressPolicy = {
  allow: new Set(["api.example.test", "plain.test"]),
  headers: { "api.example.test": { authorization: "Bearer operator-secret", "x-operator": "1" } },
};

/** The clock reads 1000 when the request starts and 1042 when it ends: 42 ms. */
function clock(): void {
  vi.spyOn(Date, "now").mockReturnValueOnce(1_000).mockReturnValueOnce(1_042);
}

function recorder() {
  const entries: EgressEntry[] = [];
  return { entries, record: async (entry: EgressEntry) => void entries.push(entry) };
}

describe("forwardEgress", () => {
  let upstream: MockInstance<typeof fetch>;

  beforeEach(() => {
    // Never the network: every test says what the upstream answers.
    upstream = vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("unmocked fetch"));
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("answers 403 for a host not on the allowlist, records it blocked, and sends nothing", async () => {
    const { entries, record } = recorder();
    clock();
    const response = await forwardEgress(
      policy,
      new Request("https://evil.test/steal?x=1", { method: "POST" }),
      record,
    );
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toBe("Promptlog's egress policy does not allow evil.test.");
    expect(entries).toEqual([
      { method: "POST", host: "evil.test", path: "/steal", status: 403, durationMs: 0, blocked: true },
    ]);
    expect(upstream).not.toHaveBeenCalled();
  });

  it("does not take a subdomain or a suffix of an allowed host as allowed", async () => {
    for (const url of ["https://sub.api.example.test/", "https://example.test/", "https://api.example.test.evil/"]) {
      const { entries, record } = recorder();
      clock();
      const response = await forwardEgress(policy, new Request(url), record);
      expect(response.status, url).toBe(403);
      expect(entries[0]?.blocked, url).toBe(true);
    }
    expect(upstream).not.toHaveBeenCalled();
  });

  it("adds the operator's headers for an allowed host, over the program's own", async () => {
    upstream.mockResolvedValue(new Response("upstream body", { status: 201 }));
    const { entries, record } = recorder();
    const request = new Request("https://api.example.test/v1/items?q=1", {
      method: "PUT",
      headers: { authorization: "Bearer program-guess", "x-from-program": "yes" },
      body: "payload",
    });
    clock();
    const response = await forwardEgress(policy, request, record);
    expect(response.status).toBe(201);
    expect(await response.text()).toBe("upstream body");

    expect(upstream).toHaveBeenCalledTimes(1);
    const sent = upstream.mock.calls[0]?.[0] as Request;
    expect(sent).toBeInstanceOf(Request);
    expect(sent.url).toBe("https://api.example.test/v1/items?q=1");
    expect(sent.method).toBe("PUT");
    expect(sent.headers.get("authorization")).toBe("Bearer operator-secret");
    expect(sent.headers.get("x-operator")).toBe("1");
    expect(sent.headers.get("x-from-program")).toBe("yes");
    expect(await sent.text()).toBe("payload");
    // The program's own request is not changed.
    expect(request.headers.get("authorization")).toBe("Bearer program-guess");

    expect(entries).toEqual([
      { method: "PUT", host: "api.example.test", path: "/v1/items", status: 201, durationMs: 42, blocked: false },
    ]);
  });

  it("adds no headers for an allowed host the operator gave none", async () => {
    upstream.mockResolvedValue(new Response("ok"));
    const { entries, record } = recorder();
    clock();
    await forwardEgress(policy, new Request("https://plain.test/", { headers: { "x-a": "b" } }), record);
    const sent = upstream.mock.calls[0]?.[0] as Request;
    expect([...sent.headers]).toEqual([["x-a", "b"]]);
    expect(entries).toEqual([
      { method: "GET", host: "plain.test", path: "/", status: 200, durationMs: 42, blocked: false },
    ]);
  });

  it("matches hosts case-insensitively", async () => {
    upstream.mockResolvedValue(new Response("ok", { status: 200 }));
    const { entries, record } = recorder();
    clock();
    const response = await forwardEgress(policy, new Request("https://API.Example.TEST/Path"), record);
    expect(response.status).toBe(200);
    const sent = upstream.mock.calls[0]?.[0] as Request;
    expect(sent.headers.get("authorization")).toBe("Bearer operator-secret");
    expect(entries).toEqual([
      { method: "GET", host: "api.example.test", path: "/Path", status: 200, durationMs: 42, blocked: false },
    ]);
  });

  it("passes the upstream's error statuses through as they are", async () => {
    upstream.mockResolvedValue(new Response("nope", { status: 404 }));
    const { entries, record } = recorder();
    clock();
    const response = await forwardEgress(policy, new Request("https://api.example.test/missing"), record);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("nope");
    expect(entries[0]).toEqual({
      method: "GET",
      host: "api.example.test",
      path: "/missing",
      status: 404,
      durationMs: 42,
      blocked: false,
    });
  });

  it("answers 502 when the upstream fails, and records it", async () => {
    upstream.mockRejectedValue(new TypeError("connection refused"));
    const { entries, record } = recorder();
    clock();
    const response = await forwardEgress(policy, new Request("https://api.example.test/down"), record);
    expect(response.status).toBe(502);
    expect(await response.text()).toBe("The request to api.example.test failed: connection refused");
    expect(entries).toEqual([
      { method: "GET", host: "api.example.test", path: "/down", status: 502, durationMs: 42, blocked: false },
    ]);
  });
});
