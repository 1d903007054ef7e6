import { afterAll, beforeAll } from "vitest";
import {
  type DevServer,
  groupProcesses,
  startDevServer,
  tempStateDir,
  visitorCookie,
} from "../../../scripts/dev-line/dev-server.ts";

/** The running dev line of a test file, and the cookie of the visitor it met first. */
export interface SuiteServer {
  readonly origin: string;
  /** Where programs' answers are also served (RUN_ORIGIN). */
  readonly runOrigin: string;
  /** `promptlog_visitor=…`, handed out by the first request the suite made. */
  readonly cookie: string;
  /** The dev line's processes now (its process group), with their command lines. */
  processes(): { pid: number; args: string }[];
  /**
   * A request as the suite's visitor, read whole; it fails past `timeoutMs`, since a hang is what the
   * runaway tests look for.
   */
  call(path: string, init?: RequestInit, timeoutMs?: number): Promise<{ status: number; text: string; ms: number }>;
}

/**
 * Starts the README's dev line (its own state folder, `env` added) before a file's tests and stops
 * it after them. Register it before the file's own hooks: they run after it has started.
 */
export function devLineForSuite(env?: Record<string, string>): SuiteServer {
  let server: DevServer | undefined;
  let cookie = "";
  beforeAll(async () => {
    server = await startDevServer({ persistTo: tempStateDir(), ...(env ? { env } : {}) });
    cookie = await visitorCookie(server.origin);
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });
  return {
    get origin() {
      if (!server) throw new Error("the dev line has not started");
      return server.origin;
    },
    get runOrigin() {
      if (!server) throw new Error("the dev line has not started");
      return server.runOrigin;
    },
    get cookie() {
      return cookie;
    },
    processes() {
      return server?.process.pid ? groupProcesses(server.process.pid) : [];
    },
    async call(path, init, timeoutMs = 10_000) {
      if (!server) throw new Error("the dev line has not started");
      const started = performance.now();
      const response = await fetch(`${server.origin}${path}`, {
        ...init,
        headers: { cookie, ...init?.headers },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      return { status: response.status, text, ms: Math.round(performance.now() - started) };
    },
  };
}
