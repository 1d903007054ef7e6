import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../workerd/free-port.ts";
import { ROOT, setupLines } from "./readme-lines.ts";

export interface DevServer {
  readonly origin: string;
  /** Where programs' answers are also served: RUN_ORIGIN. */
  readonly runOrigin: string;
  readonly process: ChildProcess;
  readonly output: () => string;
  stop(): Promise<void>;
}

/** What scripts/dev.ts prints once everything it starts is up and built. */
const READY_LINE = "Promptlog is ready on http://localhost:";

export function tempStateDir(): string {
  return mkdtempSync(join(tmpdir(), "promptlog-state-"));
}

/**
 * Starts the playground with the README's dev line, exactly as a user types it, on a free port
 * (PORT) and with its own state folder (PERSIST_TO), and waits until it serves the page and says it is ready.
 */
export async function startDevServer(options: {
  port?: number;
  persistTo: string;
  env?: Record<string, string>;
}): Promise<DevServer> {
  const port = options.port ?? (await freePort());
  const runPort = await freePort([port]);
  const child = spawn("bash", ["-c", setupLines().dev], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      // PORT + 1 may be taken by another line: each line gets a run origin port of its own.
      RUN_PORT: String(runPort),
      PERSIST_TO: options.persistTo,
      CI: "true",
      ...options.env,
    },
  });
  let output = "";
  child.stdout?.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr?.on("data", (chunk) => {
    output += chunk;
  });
  const origin = `http://localhost:${port}`;
  const server: DevServer = {
    origin,
    runOrigin: `http://127.0.0.1:${runPort}`,
    process: child,
    output: () => output,
    stop: () => stopGroup(child),
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`dev server exited early (${child.exitCode}):\n${output}`);
    try {
      // Serving, and done starting: the line says it is ready once its own builds are over too.
      const response = await fetch(`${origin}/`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200 && output.includes(READY_LINE)) return server;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await server.stop();
  throw new Error(`dev server did not answer on ${origin} within 90 s:\n${output}`);
}

/** A new visitor's cookie (`promptlog_visitor=…`), as the playground hands it out on first contact. */
export async function visitorCookie(origin: string): Promise<string> {
  const first = await fetch(`${origin}/api/history`);
  await first.arrayBuffer();
  return /promptlog_visitor=[^;]+/.exec(first.headers.get("set-cookie") ?? "")?.[0] ?? "";
}

/** Processes still alive in the dev line's process group (the shell, bun, wrangler, workerd). */
export function groupMembers(pgid: number): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=", "-g", String(pgid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0);
  } catch {
    return [];
  }
}

/** The processes of the dev line's process group, with their command lines (`ps -o pid=,args=`). */
export function groupProcesses(pgid: number): { pid: number; args: string }[] {
  try {
    return execFileSync("ps", ["-o", "pid=,args=", "-g", String(pgid)], { encoding: "utf8" })
      .split("\n")
      .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => ({ pid: Number(match[1]), args: match[2] ?? "" }));
  } catch {
    return [];
  }
}

/** Ctrl-C for the whole group, as a terminal sends it; fails if anything is left after 15 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  const pgid = child.pid;
  if (!pgid) return;
  try {
    process.kill(-pgid, "SIGINT");
  } catch {
    return;
  }
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (groupMembers(pgid).length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const left = groupMembers(pgid);
  process.kill(-pgid, "SIGKILL");
  throw new Error(`processes left running after Ctrl-C: ${left.join(", ")}`);
}
