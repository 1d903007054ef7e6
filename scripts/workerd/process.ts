import { type ChildProcess, spawn } from "node:child_process";
import { Agent, get } from "node:http";
import { PREPARE_RUN, RUN_MARKER } from "../../src/sandbox/telemetry/run-marker.ts";
import { lifeline } from "./lifeline.ts";
import { dataLimitMib, memoryMib } from "./rss.ts";

/** Why a runtime's runs ended without an answer; decides the error its callers get. */
export type Failure = "cpu" | "memory" | "crash" | "stopped";

/**
 * What workerd prints when its allocator cannot get memory from the kernel (RLIMIT_DATA reached):
 * tcmalloc's "mprotect(…) failed (Cannot allocate memory)", "MmapAligned() failed", "tcmalloc: allocation
 * failed", "Out of memory trying to allocate internal tcmalloc data".
 */
const ALLOCATION_FAILED = /tcmalloc\b.*\b(failed|out of memory)/i;
/** How a workerd that died for memory says so: V8's fatal "heap limit" / "out of memory", or the above. */
const DIED_OF_MEMORY = /heap limit|out of memory|tcmalloc\b.*\bfailed/i;

/** Run ids remembered per runtime as having entered their program: far more than can be in flight at once. */
const ENTERED_KEPT = 10_000;

export interface WorkerdOptions {
  /** The workerd binary, as the workerd package ships it. */
  readonly binary: string;
  readonly configPath: string;
  /** Overrides the config's "http" socket, e.g. 127.0.0.1:8788. */
  readonly host: string;
  readonly port: number;
  /** A cheap GET that answers 200 when the process serves requests. */
  readonly healthPath: string;
  /**
   * The kernel's bound on the process's writable private memory (RLIMIT_DATA, set with the shell's
   * `ulimit -d` before workerd starts). An allocation past it fails instead of growing the process.
   */
  readonly dataLimitMb?: number;
  /** Called when workerd prints that an allocation failed (at that bound, or a program's own too large). */
  readonly onAllocationFailure?: () => void;
  /**
   * Added to the process's environment: labels for `ps e` and /proc/<pid>/environ, and the secrets its
   * config binds with `fromEnvironment` (only the process's owner can read its environment; a config
   * file is easier to leak).
   */
  readonly env?: Record<string, string>;
  /** Opens workerd's inspector (Chrome DevTools protocol) on this loopback port: for profiling. */
  readonly inspectorPort?: number;
  /** Sent with every health check: a runtime that answers only its own line wants the line's secret. */
  readonly healthHeaders?: Record<string, string>;
  /** A health answer with this header at "1" says the process wants replacing (`full`). */
  readonly fullHeader?: string;
  /** Sent at "1" with its health checks once the process is `retiring`, so that it knows. */
  readonly retiringHeader?: string;
}

/**
 * One plain `workerd serve` process: the app server and each sandbox runtime are one of these.
 */
export class WorkerdProcess {
  readonly agent = new Agent({ keepAlive: true, maxSockets: 256 });
  readonly exited: Promise<void>;
  failure: Failure | undefined;
  /** When it was condemned (killed) or found gone: nothing sent to it since can have run. */
  failedAt: number | undefined;
  inflight = 0;
  lastHealthyAt = Date.now();
  /** Its last health answer said it wants replacing (the option `fullHeader`). */
  full = false;
  /** Being replaced: its health checks say so (the option `retiringHeader`). */
  retiring = false;
  /**
   * The run that entered its program last, by the runner's marker (src/sandbox/runner-source.ts),
   * and when its line arrived. workerd writes a console line at once, on the thread that runs the
   * program: a program that busy-loops as it is entered has printed this already, and nothing after.
   * Every run in a sandbox runtime prints one: the runtime tails every run, traced or not.
   */
  lastEntered: { readonly runId: string; readonly at: number } | undefined;
  /**
   * The run ids whose markers arrived, the most recent ENTERED_KEPT. Each run prints its marker once, so
   * a second one with the same id is a program's own line (a program can print anything, the id of a
   * run of its caller's still streaming, say): it is not taken for an entry.
   */
  readonly #entered = new Set<string>();
  /** The latest send time of anything the runtime answered (a health check, a run): it was free after then. */
  answeredSentAt = 0;
  private readonly child: ChildProcess;
  private stderr = "";
  readonly port: number;
  private readonly host: string;
  private readonly healthPath: string;
  private readonly healthHeaders: Record<string, string>;
  private readonly fullHeader: string | undefined;
  private readonly retiringHeader: string | undefined;

  constructor(options: WorkerdOptions) {
    this.port = options.port;
    this.host = options.host;
    this.healthPath = options.healthPath;
    this.healthHeaders = options.healthHeaders ?? {};
    this.fullHeader = options.fullHeader;
    this.retiringHeader = options.retiringHeader;
    const args = [
      "serve",
      options.configPath,
      "--experimental",
      "--socket-addr",
      `http=${options.host}:${options.port}`,
      ...(options.inspectorPort ? ["--inspector-addr", `127.0.0.1:${options.inspectorPort}`] : []),
    ];
    // The shell sets the limit on itself and becomes workerd (exec): the same process, so its pid, RSS
    // and signals are workerd's. `ulimit -d` counts KiB. Should the shell refuse (a lower hard limit
    // already holds, say), workerd starts anyway; dataLimitMib() tells what holds.
    const spawnOptions = {
      stdio: ["ignore", "pipe", "pipe"] as ["ignore", "pipe", "pipe"],
      ...(options.env ? { env: { ...process.env, ...options.env } } : {}),
    };
    this.child = options.dataLimitMb
      ? spawn(
          "/bin/sh",
          ["-c", 'ulimit -d "$0" 2>/dev/null; exec "$@"', String(options.dataLimitMb * 1024), options.binary, ...args],
          spawnOptions,
        )
      : spawn(options.binary, args, spawnOptions);
    // Programs' console output is worth seeing in the terminal; the runner's run-id markers are not.
    // They say which run entered its program last (see `lastEntered`). A line may arrive in two chunks.
    let partial = "";
    this.child.stdout?.on("data", (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split("\n");
      partial = lines.pop() ?? "";
      const shown: string[] = [];
      for (const line of lines) {
        if (!line.startsWith(RUN_MARKER)) shown.push(line);
        else this.#enter(line.slice(RUN_MARKER.length).trim());
      }
      if (shown.some((line) => line.trim() !== "")) process.stdout.write(`${shown.join("\n")}\n`);
    });
    this.child.stderr?.on("data", (chunk: Buffer) => {
      // The last line of the previous chunk too: a message may arrive in two.
      const recent = this.stderr.slice(this.stderr.lastIndexOf("\n") + 1) + chunk.toString();
      this.stderr = (this.stderr + chunk.toString()).slice(-8_192);
      process.stderr.write(chunk);
      if (ALLOCATION_FAILED.test(recent)) options.onAllocationFailure?.();
    });
    // Should this process die (even by SIGKILL), the child dies with it instead of holding its port.
    const cut = lifeline(this.child);
    this.exited = new Promise((resolve) => this.child.once("exit", () => resolve()));
    void this.exited.then(cut);
    void this.exited.then(() => {
      this.failure ??= DIED_OF_MEMORY.test(this.stderr) ? "memory" : "crash";
      this.failedAt ??= Date.now();
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

  /** Resident and writable private memory (what the data limit counts) in MiB. */
  memoryMib(): { rss: number; data: number } {
    return memoryMib(this.child.pid);
  }

  /** The data limit the kernel holds the running process to, in MiB (undefined: none, or unknown). */
  dataLimitMib(): number | undefined {
    return dataLimitMib(this.child.pid);
  }

  /**
   * The runtime answered something (a run's answer arrived) at `at`: its thread was free then, as
   * when it answers a health check. Several long runs back to back can keep a health check waiting for longer
   * than any one of them runs, while their answers show the runtime is not stuck. `sentAt`, when known:
   * what it answered was sent then, so it was free after then (`answeredSentAt`).
   */
  heard(sentAt?: number, at = Date.now()): void {
    this.lastHealthyAt = Math.max(this.lastHealthyAt, at);
    if (sentAt !== undefined) this.answeredSentAt = Math.max(this.answeredSentAt, sentAt);
  }

  /** Whether the run's marker arrived: it entered its program. */
  hasEntered(runId: string): boolean {
    return this.#entered.has(runId);
  }

  #enter(runId: string): void {
    // A load prints the marker as it ends, having entered nothing of the program's since.
    if (runId === PREPARE_RUN || this.#entered.has(runId)) return;
    this.#entered.add(runId);
    if (this.#entered.size > ENTERED_KEPT) this.#entered.delete(this.#entered.values().next().value ?? "");
    this.lastEntered = { runId, at: Date.now() };
  }

  /** Resolves true when the runtime answers its health check within timeoutMs. */
  probe(timeoutMs: number): Promise<boolean> {
    const sentAt = Date.now();
    return new Promise((resolve) => {
      const request = get(
        {
          host: this.host,
          port: this.port,
          path: this.healthPath,
          headers:
            this.retiring && this.retiringHeader
              ? { ...this.healthHeaders, [this.retiringHeader]: "1" }
              : this.healthHeaders,
          agent: false,
          timeout: timeoutMs,
        },
        (response) => {
          response.resume();
          const ok = response.statusCode === 200;
          if (ok) this.heard(sentAt);
          if (ok && this.fullHeader) this.full = response.headers[this.fullHeader] === "1";
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
    this.failedAt ??= Date.now();
    if (this.alive) this.child.kill("SIGKILL");
    return this.exited;
  }
}
