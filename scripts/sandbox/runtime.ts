import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { Agent, get } from "node:http";
import { HEALTH_PATH } from "../../src/sandbox/protocol.ts";

/** Why a runtime's runs ended without an answer; decides the error its callers get. */
export type Failure = "cpu" | "memory" | "crash" | "stopped";

/**
 * One sandbox runtime: a plain `workerd serve` of the sandbox host worker, as the workerd package
 * ships it, on its own loopback port.
 */
export class SandboxRuntime {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  readonly exited: Promise<void>;
  failure: Failure | undefined;
  inflight = 0;
  lastHealthyAt = Date.now();
  private readonly child: ChildProcess;
  private stderr = "";
  readonly port: number;

  constructor(workerd: string, configPath: string, port: number) {
    this.port = port;
    this.child = spawn(workerd, ["serve", configPath, "--experimental", "--socket-addr", `http=127.0.0.1:${port}`], {
      stdio: ["ignore", "inherit", "pipe"],
    });
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString()).slice(-8_192);
      process.stderr.write(chunk);
    });
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
    void this.exited.then(() => {
      this.failure ??= /heap limit|out of memory/i.test(this.stderr) ? "memory" : "crash";
      this.agent.destroy();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Last lines the runtime printed, for a crash report. */
  lastWords(): string {
    return this.stderr.trim().split("\n").slice(-3).join(" ");
  }

  /** Resident memory of the workerd process in MiB, from /proc. */
  rssMb(): number {
    try {
      const status = readFileSync(`/proc/${this.child.pid}/status`, "utf8");
      return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      return 0;
    }
  }

  /** Resolves true when the runtime answers its health check within timeoutMs. */
  probe(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const request = get(
        { host: "127.0.0.1", port: this.port, path: HEALTH_PATH, agent: false, timeout: timeoutMs },
        (response) => {
          response.resume();
          const ok = response.statusCode === 200;
          if (ok) this.lastHealthyAt = Date.now();
          resolve(ok);
        },
      );
      request.on("timeout", () => request.destroy());
      request.on("error", () => resolve(false));
    });
  }

  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && this.alive) {
      if (await this.probe(500)) return true;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return false;
  }

  /** A wedged workerd cannot act on SIGTERM (its only thread is busy), so this is SIGKILL. */
  kill(failure: Failure): Promise<void> {
    this.failure ??= failure;
    if (this.alive) this.child.kill("SIGKILL");
    return this.exited;
  }
}
