import { EventEmitter } from "node:events";
import type { Server } from "node:net";
import { describe, expect, it } from "vitest";
import { freePort, listenOnFreePort } from "../../scripts/workerd/free-port.ts";

/** A server the system hands `ports` to, one per listen, in order: the collision made to happen. */
function serverGiven(ports: number[]) {
  const emitter = new EventEmitter();
  let port = 0;
  let closes = 0;
  const server = Object.assign(emitter, {
    listen(_port: number, _host: string, listening: () => void) {
      port = ports.shift() ?? 0;
      listening();
    },
    address: () => ({ address: "127.0.0.1", family: "IPv4", port }),
    close(closed: () => void) {
      closes++;
      closed();
    },
  });
  return { server: server as unknown as Server, closes: () => closes };
}

describe("free loopback ports", () => {
  it("never hands out a port reserved for a process that has not bound it yet, even when the system does", async () => {
    const given = serverGiven([40_001, 40_002, 40_003]);
    expect(await listenOnFreePort(given.server, [40_001, 40_002])).toBe(40_003);
    expect(given.closes()).toBe(2);
  });

  it("answers a port nothing listens on, and none of those reserved", async () => {
    const first = await freePort();
    const second = await freePort([first]);
    expect(second).not.toBe(first);
  });
});
