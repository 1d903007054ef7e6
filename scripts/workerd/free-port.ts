import { createServer, type Server } from "node:net";

/**
 * Listens on a loopback port the system picks, none of `reserved`, and answers it. `reserved`: ports
 * another process of ours has been told to bind but may not have bound yet (the dev line's app while
 * the supervisor starts its runtimes), which the system would otherwise hand out as free.
 */
export async function listenOnFreePort(server: Server, reserved: readonly number[] = []): Promise<number> {
  for (;;) {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    if (!reserved.includes(port)) return port;
    await new Promise((resolve) => server.close(resolve));
  }
}

/** A loopback port nobody is listening on right now, and none of `reserved` (see listenOnFreePort). */
export async function freePort(reserved: readonly number[] = []): Promise<number> {
  const server = createServer();
  const port = await listenOnFreePort(server, reserved);
  await new Promise((resolve) => server.close(resolve));
  return port;
}
