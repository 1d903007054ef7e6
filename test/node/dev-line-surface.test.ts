import { readdirSync, statSync } from "node:fs";
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/dev-line/readme-lines.ts";
import type { ErrorAnswer } from "../../src/base/answers.ts";
import { devLineForSuite } from "../support/node/dev-line.ts";

/** A raw request, so Host and the method are exactly what an attacker sends. */
function raw(origin: string, method: string, path: string, headers: Record<string, string> = {}) {
  const { hostname, port } = new URL(origin);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const outgoing = request({ host: hostname, port, method, path, headers }, (answer) => {
        let body = "";
        answer.on("data", (chunk) => {
          body += chunk;
        });
        answer.on("end", () => resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body }));
      });
      outgoing.on("error", reject);
      outgoing.end();
    },
  );
}

describe("the dev line's surface, as a local attacker meets it", () => {
  const server = devLineForSuite();

  it("serves only its own hosts: a rebound name gets 421, on the playground's port and the run origin's", async () => {
    for (const origin of [server.origin, server.runOrigin]) {
      const answer = await raw(origin, "GET", "/api/history", { host: "attacker.example" });
      expect(answer.status).toBe(421);
      expect((JSON.parse(answer.body) as ErrorAnswer).error.code).toBe("misdirected_request");
      expect(answer.headers["set-cookie"]).toBeUndefined();
    }
    expect((await raw(server.origin, "GET", "/api/history", { host: new URL(server.origin).host })).status).toBe(200);
  });

  it("answers methods a path does not have with 405 and Allow", async () => {
    const put = await raw(server.origin, "PUT", "/submit");
    expect(put.status).toBe(405);
    expect(put.headers.allow).toBe("POST");
  });

  it("keeps what it generates (configs with its internal secret) in folders only its owner can enter", () => {
    const dev = server.processes().find((process) => /scripts\/dev\.ts/.test(process.args));
    expect(dev).toBeDefined();
    for (const kind of ["app", "sandbox"]) {
      const folder = `${ROOT}.wrangler/${kind}/line-${dev?.pid}`;
      expect(statSync(folder).mode & 0o777, folder).toBe(0o700);
      expect(readdirSync(folder).some((file) => file.endsWith(".capnp"))).toBe(true);
    }
  });
});
