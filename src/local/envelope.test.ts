import { describe, expect, it } from "vitest";
import type { Run } from "../sandbox/execute";
import { decodeRun, encodeRun, PARTS_HEADER } from "./envelope";

const HASH = "a".repeat(64);

function baseRun(overrides: Partial<Run> = {}): Run {
  return {
    hash: HASH,
    runId: "run-1",
    program: { mode: "module", code: "export default { fetch() { return new Response('ok') } }" },
    limits: { cpuMs: 50, subRequests: 50 },
    request: new Request("http://sandbox/?q=x&prompt=x"),
    ...overrides,
  };
}

/** The envelope as the runtime receives it: one POST with its parts header. */
async function sent(run: Run, change?: (headers: Headers, body: Uint8Array) => Uint8Array): Promise<Request> {
  const { headers, body } = await encodeRun(run);
  const sentHeaders = new Headers(headers);
  return new Request("http://runtime/execute", {
    method: "POST",
    headers: sentHeaders,
    body: change ? change(sentHeaders, body) : body,
  });
}

describe("the run envelope between the app and the local sandbox runtime", () => {
  it("carries every part whole: multi-byte code with a byte order mark, compiled modules, a call, a POST body", async () => {
    const code = "\uFEFF// é ✓ 𝌆\nexport const add = (a, b) => a + b;";
    const body = new Uint8Array([0, 255, 10, 13, 0xe2, 0x82]);
    const run = baseRun({
      program: {
        mode: "module",
        code,
        network: true,
        compiled: { mainModule: "main.js", modules: { "main.js": code, "dep.js": "export {}" }, sourceMap: "{}" },
      },
      request: new Request("http://sandbox/?q=%E2%9C%93", {
        method: "POST",
        headers: { "content-type": "application/octet-stream" },
        body,
      }),
      call: { name: "add", args: "[1,2]" },
    });
    const decoded = await decodeRun(await sent(run));
    expect(decoded.program).toEqual(run.program);
    expect(decoded.call).toEqual(run.call);
    expect(decoded.limits).toEqual(run.limits);
    expect(decoded.request.url).toBe(run.request.url);
    expect(decoded.request.method).toBe("POST");
    expect(decoded.request.headers.get("content-type")).toBe("application/octet-stream");
    expect(new Uint8Array(await decoded.request.arrayBuffer())).toEqual(body);
  });

  it("sends a GET run with no body, and its program with no network", async () => {
    const decoded = await decodeRun(await sent(baseRun()));
    expect(decoded.request.method).toBe("GET");
    expect(decoded.request.body).toBeNull();
    expect(decoded.program.network).toBeUndefined();
    expect(decoded.call).toBeUndefined();
  });

  it("starts its body with the run's meta, where the supervisor reads whether the program has network", async () => {
    const { body } = await encodeRun(baseRun({ program: { mode: "module", code: "x", network: true } }));
    expect(new TextDecoder().decode(body.subarray(0, 200))).toMatch(/^\{"hash":"a{64}".*"network":true/);
  });

  it("refuses a malformed envelope rather than run part of one", async () => {
    const malformed: ((headers: Headers, body: Uint8Array) => Uint8Array)[] = [
      (headers, body) => {
        headers.delete(PARTS_HEADER);
        return body;
      },
      (headers, body) => {
        headers.set(PARTS_HEADER, "1,2,3");
        return body;
      },
      (headers, body) => {
        headers.set(PARTS_HEADER, "-1,2,0,0");
        return body;
      },
      // Parts longer than the body that came.
      (_headers, body) => body.subarray(0, 20),
      // A part that is not UTF-8.
      (_headers, body) => {
        const broken = body.slice();
        broken[0] = 0xff;
        return broken;
      },
      // A meta that is not the schema's.
      (headers, body) => {
        const [metaLength = "0", ...rest] = (headers.get(PARTS_HEADER) ?? "").split(",");
        const meta = new TextEncoder().encode('{"hash":"nope"}');
        headers.set(PARTS_HEADER, [meta.byteLength, ...rest].join(","));
        const joined = new Uint8Array(meta.byteLength + body.byteLength - Number(metaLength));
        joined.set(meta);
        joined.set(body.subarray(Number(metaLength)), meta.byteLength);
        return joined;
      },
    ];
    for (const change of malformed) {
      await expect(decodeRun(await sent(baseRun(), change))).rejects.toThrow();
    }
  });
});
