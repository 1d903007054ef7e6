import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { RoutesToApp } from "../../scripts/sandbox/routes-to-app.ts";

/**
 * A replaced runtime drains once the app has the table that no longer names it (scripts/sandbox/lane.ts):
 * `lanesChanged` must resolve then, and not before. A real HTTP server stands in for the app's
 * /internal/lanes, answering as it is told.
 */
describe("the table of lanes sent to the app", () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((done) => (server ? server.close(() => done()) : done())));

  async function app(answer: () => number): Promise<{ url: string; tables: unknown[] }> {
    const tables: unknown[] = [];
    const listening = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        const status = answer();
        if (status < 300) tables.push(JSON.parse(body));
        response.writeHead(status).end();
      });
    });
    server = listening;
    await new Promise<void>((started) => listening.listen(0, "127.0.0.1", () => started()));
    return { url: `http://127.0.0.1:${(listening.address() as AddressInfo).port}`, tables };
  }

  const lanes = { probation: "http://127.0.0.1:1", trusted: null, heavy: null, quarantine: null };

  it("says a change is known only once the app accepted a table with it, though the first tries fail", async () => {
    let refusals = 2;
    const { url, tables } = await app(() => (refusals-- > 0 ? 503 : 204));
    const routes = new RoutesToApp(url, {}, () => lanes);
    routes.wanted();
    let known = false;
    const told = routes.lanesChanged().then(() => {
      known = true;
    });
    // The app refused twice: nothing reached it, so nothing is known yet (tables go again every 500 ms).
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(tables).toHaveLength(0);
    expect(known).toBe(false);
    await told;
    expect(tables.length).toBeGreaterThan(0);
    expect(tables.at(-1)).toMatchObject({ lanes });
    routes.stop();
  });

  it("waits for the app to ask for a table, and lets go of every change when it stops", async () => {
    const { url, tables } = await app(() => 204);
    const routes = new RoutesToApp(url, {}, () => lanes);
    let known = false;
    const told = routes.lanesChanged().then(() => {
      known = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(known).toBe(false);
    routes.stop();
    await told;
    expect(tables).toHaveLength(0);
  });
});
