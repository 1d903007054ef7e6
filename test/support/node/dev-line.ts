import { beforeAll } from "vitest";
import {
  type DevServer,
  groupProcesses,
  startDevServer,
  tempStateDir,
  visitorCookie,
} from "../../../scripts/dev-line/dev-server.ts";
import type { SubmitAnswer } from "../../../src/base/answers.ts";
import { forSuite } from "./for-suite.ts";

/** The running dev line of a test file, and the cookie of the visitor it met first. */
export interface SuiteServer {
  readonly origin: string;
  /** Where programs' answers are also served (RUN_ORIGIN). */
  readonly runOrigin: string;
  /** `promptlog_visitor=…`, handed out by the first request the suite made. */
  readonly cookie: string;
  /** The dev line's processes now (its process group), with their command lines. */
  processes(): { pid: number; args: string }[];
  /** What the dev line has printed so far (the supervisor's log among it). */
  output(): string;
  /**
   * A request as the suite's visitor, read whole; it fails past `timeoutMs`, since a hang is what the
   * runaway tests look for.
   */
  call(path: string, init?: RequestInit, timeoutMs?: number): Promise<{ status: number; text: string; ms: number }>;
  /** Submits a program new to the line (a 201, or it throws with the answer): its run URL. */
  submitNew(code: string): Promise<string>;
}

/**
 * Starts the README's dev line (its own state folder, `env` added) before a file's tests and stops
 * it after them. Register it before the file's own hooks: they run after it has started.
 */
export function devLineForSuite(env?: Record<string, string>): SuiteServer {
  const line = forSuite(
    "the dev line",
    () => startDevServer({ persistTo: tempStateDir(), ...(env ? { env } : {}) }),
    (server: DevServer) => server.stop(),
  );
  let cookie = "";
  beforeAll(async () => {
    cookie = await visitorCookie(line.get().origin);
  }, 120_000);
  const suite: SuiteServer = {
    get origin() {
      return line.get().origin;
    },
    get runOrigin() {
      return line.get().runOrigin;
    },
    get cookie() {
      return cookie;
    },
    output() {
      return line.ifStarted()?.output() ?? "";
    },
    processes() {
      const pid = line.ifStarted()?.process.pid;
      return pid ? groupProcesses(pid) : [];
    },
    async call(path, init, timeoutMs = 10_000) {
      const { origin } = line.get();
      const started = performance.now();
      const response = await fetch(`${origin}${path}`, {
        ...init,
        headers: { cookie, ...init?.headers },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      return { status: response.status, text, ms: Math.round(performance.now() - started) };
    },
    async submitNew(code) {
      const answer = await suite.call("/submit", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ code }),
      });
      if (answer.status !== 201) throw new Error(`the submit answered ${answer.status}: ${answer.text}`);
      return (JSON.parse(answer.text) as SubmitAnswer).url;
    },
  };
  return suite;
}
