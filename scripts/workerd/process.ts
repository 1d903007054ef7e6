import { type ChildProcess, spawn } from "node:child_process";
import { Agent, get } from "node:http";
import { RUN_MARKER } from "../../src/sandbox/telemetry/run-marker.ts";
import { rssMib } from "./rss.ts";

/** Why a runtime's runs ended without an answer; decides the error its callers get. */
export type Failure = "cpu" | "memory" | "crash" | "stopped";

export interface WorkerdOptions {
  /** The workerd binary, as the workerd package ships it. */
  readonly binary: string;
  readonly configPath: string;
  /** Overrides the config's "http" socket, e.g. 127.0.0.1:8788. */
  readonly host: string;
  readonly port: number;
  /** A cheap GET that answers 200 when the process serves requests. */
  readonly healthPath: string;
}

/**
 * One plain `workerd serve` process: the app server and each sandbox runtime are one of these.
 */
export class WorkerdProcess {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  readonly exited: Promise<void>;
  failure: Failure | undefined;
  inflight = 0;
  lastHealthyAt = Date.now();
  private readonly child: ChildProcess;
  private stderr = "";
  readonly port: number;
  private readonly host: string;
  private readonly healthPath: string;

  constructor(options: WorkerdOptions) {
    this.port = options.port;
    this.host = options.host;
    this.healthPath = options.healthPath;
    this.child = spawn(
      options.binary,
      ["serve", options.configPath, "--experimental", "--socket-addr", `http=${options.host}:${options.port}`],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    // Programs' console output is worth seeing in the terminal; the runner's run-id markers are not.
    this.child.stdout?.on("data", (chunk: Buffer) => {
      const lines = chunk.toString().split("\n");
      const shown = lines.filter((line) => !line.startsWith(RUN_MARKER)).join("\n");
      if (shown.trim() !== "") process.stdout.write(shown.endsWith("\n") ? shown : `${shown}\n`);
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

  /** Ended by Ctrl-C or SIGTERM from outside, or exited cleanly: asked to stop, not crashed. */
  get stoppedBySignal(): boolean {
    return this.child.signalCode === "SIGINT" || this.child.signalCode === "SIGTERM" || this.child.exitCode === 0;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Last lines the runtime printed, for a crash report. */
  lastWords(): string {
    return this.stderr.trim().split("\n").slice(-3).join(" ");
  }

  /** Resident memory of the workerd process in MiB. */
  rssMib(): number {
    return rssMib(this.child.pid);
  }

  /** Resolves true when the runtime answers its health check within timeoutMs. */
  probe(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const request = get(
        { host: this.host, port: this.port, path: this.healthPath, agent: false, timeout: timeoutMs },
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
