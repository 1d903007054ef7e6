import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError } from "../../src/base/errors.ts";
import { HEALTH_PATH, OUTCOME_HEADER } from "../../src/local/protocol.ts";
import { freePort } from "../workerd/free-port.ts";
import { type Failure, WorkerdProcess as SandboxRuntime } from "../workerd/process.ts";
import { KILL_RSS_MB, RECYCLE_RSS_MB, STARTUP_WAIT_MS, WATCH_EVERY_MS, WEDGE_MS } from "./limits.ts";

const log = (message: string) => console.log(`[sandbox] ${message}`);

/** The JSON error a run gets when its runtime ended under it, the same shape the worker answers. */
function failureError(failure: Failure, runtime: SandboxRuntime): ApiError {
  switch (failure) {
    case "cpu":
      return new ApiError(
        "limit_exceeded",
        `The program exceeded its CPU time limit: it kept the local runtime busy for over ${WEDGE_MS / 1000} s, so the runtime was replaced.`,
        { limit: "cpuMs" },
      );
    case "memory":
      return new ApiError(
        "limit_exceeded",
        "The program exceeded its memory limit, so the local runtime was replaced.",
        {
          limit: "memory",
        },
      );
    case "stopped":
      return new ApiError("loader_unavailable", "The local sandbox runtime is shutting down.");
    case "crash":
      return new ApiError(
        "internal_error",
        `The local sandbox runtime crashed: ${runtime.lastWords() || "no message"}`,
      );
  }
}

/**
 * Runs programs in a workerd process separate from the one serving the app, behind a loopback
 * proxy, and keeps one healthy: a runtime wedged by a busy loop or killed by memory is replaced,
 * and every run it held is answered with the limit error instead of hanging.
 */
export class Supervisor {
  private runtime: SandboxRuntime | undefined;
  private starting: Promise<SandboxRuntime> | undefined;
  private readonly server: Server;
  private watch: NodeJS.Timeout | undefined;
  private probing = false;
  private stopping = false;
  private readonly spawned = new Set<SandboxRuntime>();
  private readonly workerd: string;
  private readonly configPath: string;

  constructor(workerd: string, configPath: string) {
    this.workerd = workerd;
    this.configPath = configPath;
    this.server = createServer((request, response) => void this.forward(request, response));
  }

  /** Starts the first runtime and the proxy; answers the URL the main worker sends runs to. */
  async start(): Promise<string> {
    await this.replace();
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.watch = setInterval(() => void this.check(), WATCH_EVERY_MS);
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.watch);
    this.server.close();
    this.server.closeAllConnections();
    // Every runtime ever started, including one still starting or draining: none may outlive us.
    await Promise.all([...this.spawned].map((runtime) => runtime.kill("stopped")));
  }

  /** A new runtime, ready to serve; concurrent callers share one start. */
  private replace(): Promise<SandboxRuntime> {
    this.starting ??= (async () => {
      const started = Date.now();
      for (let attempt = 1; ; attempt++) {
        if (this.stopping) throw new Error("the supervisor is stopping");
        const runtime = new SandboxRuntime({
          binary: this.workerd,
          configPath: this.configPath,
          host: "127.0.0.1",
          port: await freePort(),
          healthPath: HEALTH_PATH,
        });
        this.spawned.add(runtime);
        void runtime.exited.then(() => this.spawned.delete(runtime));
        if (this.stopping) await runtime.kill("stopped");
        if (await runtime.waitUntilReady(STARTUP_WAIT_MS)) {
          this.runtime = runtime;
          this.watchExit(runtime);
          log(`runtime ready (pid ${runtime.pid}, port ${runtime.port}) in ${Date.now() - started} ms`);
          return runtime;
        }
        await runtime.kill("crash");
        if (this.stopping || attempt >= 3) throw new Error("the sandbox runtime did not start");
      }
    })().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private watchExit(runtime: SandboxRuntime) {
    void runtime.exited.then(() => {
      // Ctrl-C reaches the runtime too (same process group): that is a stop, not a crash.
      if (this.stopping || this.runtime !== runtime || runtime.stoppedBySignal) return;
      log(`runtime exited (${runtime.failure}): replacing it`);
      this.runtime = undefined;
      void this.replace().catch((error: Error) => log(error.message));
    });
  }

  private async current(): Promise<SandboxRuntime> {
    if (this.runtime?.alive && !this.runtime.failure) return this.runtime;
    return this.replace();
  }

  /** The watchdog: health (a busy loop stops all answers) and resident memory. */
  private async check() {
    const runtime = this.runtime;
    if (!runtime?.alive || runtime.failure || this.stopping) return;
    if (Date.now() - runtime.lastHealthyAt > WEDGE_MS) {
      log(`runtime did not answer for ${WEDGE_MS} ms: a program is busy-looping; replacing it`);
      return this.retire(runtime, "cpu");
    }
    const rss = runtime.rssMib();
    if (rss > KILL_RSS_MB) {
      log(`runtime at ${Math.round(rss)} MiB (limit ${KILL_RSS_MB}): replacing it`);
      return this.retire(runtime, "memory");
    }
    if (rss > RECYCLE_RSS_MB && !this.starting) {
      log(`runtime at ${Math.round(rss)} MiB: starting a fresh one, the old one finishes its runs`);
      const old = runtime;
      await this.replace();
      void this.drainAndKill(old);
      return;
    }
    if (!this.probing) {
      this.probing = true;
      void runtime.probe(WEDGE_MS).finally(() => {
        this.probing = false;
      });
    }
  }

  private async retire(runtime: SandboxRuntime, failure: Failure) {
    this.runtime = undefined;
    const killed = runtime.kill(failure);
    const started = Date.now();
    await this.replace().catch((error: Error) => log(error.message));
    await killed;
    log(`back in ${Date.now() - started} ms`);
  }

  private async drainAndKill(runtime: SandboxRuntime) {
    const deadline = Date.now() + 30_000;
    while (runtime.inflight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await runtime.kill("stopped");
  }

  private async forward(request: IncomingMessage, response: ServerResponse) {
    let runtime: SandboxRuntime;
    try {
      runtime = await this.current();
    } catch (error) {
      return answer(
        response,
        new ApiError("internal_error", `The local sandbox runtime is unavailable: ${(error as Error).message}`),
      );
    }
    runtime.inflight++;
    const done = () => {
      runtime.inflight--;
    };
    const upstream = httpRequest(
      {
        host: "127.0.0.1",
        port: runtime.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent: runtime.agent,
      },
      (reply) => {
        response.writeHead(reply.statusCode ?? 500, reply.headers);
        reply.pipe(response);
        reply.once("end", done);
        reply.once("error", () => response.destroy());
      },
    );
    upstream.once("error", async () => {
      done();
      // The runtime went away under this run: it was killed for a limit, or it crashed.
      await Promise.race([runtime.exited, new Promise((resolve) => setTimeout(resolve, 1_000))]);
      answer(response, failureError(runtime.failure ?? "crash", runtime));
    });
    request.pipe(upstream);
  }
}

function answer(response: ServerResponse, error: ApiError) {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(error.status, { "content-type": "application/json", [OUTCOME_HEADER]: "error" });
  response.end(JSON.stringify(error.toJSON()));
}
