import { FULL_HEADER, HEALTH_PATH, RETIRING_HEADER } from "../../src/local/protocol.ts";
import { freePort } from "../workerd/free-port.ts";
import { type Failure, WorkerdProcess as SandboxRuntime } from "../workerd/process.ts";
import { LANE_ENV } from "./lane-label.ts";
import {
  DATA_LIMIT_MB,
  DRAIN_GRACE_MS,
  DRAIN_MS,
  DRAIN_SETTLE_MS,
  KILL_RSS_MB,
  LANE_IDLE_MS,
  type LaneName,
  MAX_RUNTIMES_PER_LANE,
  OUT_OF_MEMORY_MARGIN_MB,
  PROBATION_RECYCLE_RSS_MB,
  RECYCLE_HEADROOM_MB,
  RECYCLE_RSS_MB,
  STARTUP_WAIT_MS,
  WEDGE_MS,
} from "./limits.ts";

export { SandboxRuntime };

export const log = (message: string) => console.log(`[sandbox] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a lane needs from the supervisor that owns it. */
export interface LaneHost {
  readonly workerd: string;
  readonly configPath: string;
  /** The environment every runtime gets: the secrets its config binds from it. */
  readonly env: Record<string, string>;
  /** What a runtime wants to see on each request: the line's secret. */
  readonly headers: Record<string, string>;
  /** The supervisor is stopping: start nothing, replace nothing. */
  stopping(): boolean;
  /** Called once for every runtime the lane spawns, before it serves. */
  spawned(runtime: SandboxRuntime, lane: Lane): void;
  /** The lane's serving runtime changed: one came, or none serves now. Resolves once the app knows. */
  changed(lane: Lane): Promise<void>;
  /** Says once if the kernel's data limit does not hold for a runtime. */
  checkBounded(runtime: SandboxRuntime): void;
  /** Ports the dev line's app will bind, which may not be bound yet: a runtime never takes them. */
  readonly reservedPorts: readonly number[];
  /** The trusted lane's runtime, where warm programs run, opens its inspector on this port (profiling). */
  readonly inspectorPort?: number;
}

/**
 * One lane: a sandbox runtime serving its runs, kept healthy. A runtime wedged by a busy loop or out
 * of memory is killed (its runs get the limit error) and replaced; one that grows is replaced
 * gracefully and drains. Every runtime alive is watched, a draining one too, each runs under the
 * kernel's data limit, and at most MAX_RUNTIMES_PER_LANE are alive at once. A lane starts its first
 * runtime on its first run, and stops it after LANE_IDLE_MS without one (but probation, which is
 * where every new program goes).
 */
export class Lane {
  readonly name: LaneName;
  /** The runtime new runs go to. */
  private runtime: SandboxRuntime | undefined;
  private starting: Promise<SandboxRuntime> | undefined;
  /** Replaced runtimes finishing their runs: watched as the serving one is, killed once done. */
  private readonly draining = new Set<SandboxRuntime>();
  /** Every runtime whose process has not exited: starting, serving, draining or being killed. */
  private readonly spawned = new Set<SandboxRuntime>();
  private readonly probing = new Set<SandboxRuntime>();
  /** Writable memory of each runtime when it was ready: one that starts without the headroom is not recycled for it. */
  private readonly dataWhenReady = new WeakMap<SandboxRuntime, number>();
  /** Runtimes ended early to make room for a fresh one: their runs get the memory error, but no program is to blame. */
  private readonly endedForRoom = new WeakSet<SandboxRuntime>();
  private readonly host: LaneHost;
  /** When a run last asked for this lane's runtime. */
  private lastUsedAt = Date.now();

  constructor(name: LaneName, host: LaneHost) {
    this.name = name;
    this.host = host;
  }

  /** Runtimes of this lane whose process has not exited. */
  get alive(): number {
    return this.spawned.size;
  }

  /** The runtime serving now, if one is healthy. */
  get serving(): SandboxRuntime | undefined {
    return this.runtime?.alive && !this.runtime.failure ? this.runtime : undefined;
  }

  /** Whether the runtime's end is a program's doing (a limit), not ours (made room for a fresh one). */
  blameable(runtime: SandboxRuntime): boolean {
    return !this.endedForRoom.has(runtime);
  }

  /** A run came to this lane (straight from the app, or through the supervisor). */
  used(): void {
    this.lastUsedAt = Date.now();
  }

  /** The runtime a run goes to; starts one if there is none. */
  current(): Promise<SandboxRuntime> {
    this.used();
    const serving = this.serving;
    return serving ? Promise.resolve(serving) : this.replace();
  }

  async stop(): Promise<void> {
    // Every runtime ever started, including one still starting or draining: none may outlive us.
    await Promise.all([...this.spawned].map((runtime) => runtime.kill("stopped")));
  }

  /**
   * A new runtime, ready to serve; concurrent callers share one start. The runtime it replaces, if
   * still healthy (a recycle), drains.
   */
  private replace(): Promise<SandboxRuntime> {
    this.starting ??= (async () => {
      const started = Date.now();
      for (let attempt = 1; ; attempt++) {
        if (this.host.stopping()) throw new Error("the supervisor is stopping");
        await this.makeRoom();
        if (this.host.stopping()) throw new Error("the supervisor is stopping");
        const runtime: SandboxRuntime = new SandboxRuntime({
          binary: this.host.workerd,
          configPath: this.host.configPath,
          host: "127.0.0.1",
          port: await freePort(this.host.reservedPorts),
          healthPath: HEALTH_PATH,
          dataLimitMb: DATA_LIMIT_MB,
          // Tells the lanes apart in `ps e` and /proc/<pid>/environ (the tests and benchmarks read it).
          env: { ...this.host.env, [LANE_ENV]: this.name },
          healthHeaders: this.host.headers,
          fullHeader: FULL_HEADER,
          retiringHeader: RETIRING_HEADER,
          onAllocationFailure: () => this.allocationFailed(runtime),
          ...(this.host.inspectorPort && this.name === "trusted" ? { inspectorPort: this.host.inspectorPort } : {}),
        });
        this.spawned.add(runtime);
        this.host.spawned(runtime, this);
        void runtime.exited.then(() => {
          this.spawned.delete(runtime);
          this.draining.delete(runtime);
          this.probing.delete(runtime);
        });
        if (await runtime.waitUntilReady(STARTUP_WAIT_MS)) {
          const previous = this.runtime;
          this.runtime = runtime;
          const told = this.host.changed(this);
          this.watchExit(runtime);
          this.host.checkBounded(runtime);
          this.dataWhenReady.set(runtime, runtime.memoryMib().data);
          log(`${this.name}: runtime ready (pid ${runtime.pid}, port ${runtime.port}) in ${Date.now() - started} ms`);
          if (previous?.alive && !previous.failure) this.drain(previous, told);
          return runtime;
        }
        await runtime.kill("crash");
        if (this.host.stopping() || attempt >= 3) throw new Error("the sandbox runtime did not start");
      }
    })().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  /** Waits until one more runtime may start without passing MAX_RUNTIMES_PER_LANE alive. */
  private async makeRoom() {
    const deadline = Date.now() + STARTUP_WAIT_MS;
    while (this.spawned.size >= MAX_RUNTIMES_PER_LANE) {
      // A runtime being killed leaves by itself. Otherwise a draining one is ended early.
      if (![...this.spawned].some((runtime) => runtime.failure)) {
        const oldest = [...this.draining][0];
        if (oldest) {
          log(
            `${this.name}: a fresh runtime is needed and ${MAX_RUNTIMES_PER_LANE} are alive: ending the draining one (pid ${oldest.pid})`,
          );
          this.endedForRoom.add(oldest);
          void oldest.kill("memory");
        }
      }
      if (Date.now() > deadline) throw new Error(`${this.spawned.size} sandbox runtimes are alive, and none left`);
      await Promise.race([...[...this.spawned].map((runtime) => runtime.exited), sleep(100)]);
    }
  }

  private watchExit(runtime: SandboxRuntime) {
    void runtime.exited.then(() => {
      // Ctrl-C reaches the runtime too (same process group): that is a stop, not a crash.
      if (this.host.stopping() || this.runtime !== runtime || runtime.stoppedBySignal) return;
      log(`${this.name}: runtime exited (${runtime.failure}): replacing it`);
      this.runtime = undefined;
      void this.host.changed(this);
      void this.replace().catch((error: Error) => log(error.message));
    });
  }

  /**
   * The watchdog, for the serving runtime and every draining one: health (a busy loop stops all
   * answers) and resident memory. The serving one is also recycled when it grows, and stopped when
   * the lane has been idle.
   */
  check() {
    if (this.host.stopping()) return;
    const serving = this.runtime;
    for (const runtime of [...(serving ? [serving] : []), ...this.draining]) {
      if (!runtime.alive || runtime.failure) continue;
      if (Date.now() - runtime.lastHealthyAt > WEDGE_MS) {
        this.end(runtime, "cpu", `did not answer for ${WEDGE_MS} ms: a program is busy-looping`);
        continue;
      }
      const { rss, data } = runtime.memoryMib();
      if (rss > KILL_RSS_MB) {
        this.end(runtime, "memory", `at ${Math.round(rss)} MiB resident (limit ${KILL_RSS_MB})`);
        continue;
      }
      this.probe(runtime);
      const headroomAt = DATA_LIMIT_MB - RECYCLE_HEADROOM_MB;
      const grown =
        runtime.full ||
        rss > (this.name === "probation" ? PROBATION_RECYCLE_RSS_MB : RECYCLE_RSS_MB) ||
        (data > headroomAt && (this.dataWhenReady.get(runtime) ?? 0) < headroomAt);
      // One recycle at a time: a runtime due for one while another drains waits for it (MAX_RUNTIMES_PER_LANE).
      if (runtime === serving && grown && !this.starting && this.draining.size === 0) {
        log(
          `${this.name}: runtime at ${Math.round(rss)} MiB resident, ${Math.round(data)} MiB writable${runtime.full ? ", its isolates' budget full" : ""}: starting a fresh one, the old one finishes its runs`,
        );
        // From its next health check it keeps no more isolates: what it still runs until the fresh one
        // serves, and while it drains, runs in throwaway ones (src/local/sandbox-host/isolate-budget.ts).
        runtime.retiring = true;
        void this.replace().catch((error: Error) => log(error.message));
      }
    }
    this.stopIfIdle();
  }

  /** A lane whose runtime has had no run for LANE_IDLE_MS gives its memory back; its next run starts one. */
  private stopIfIdle() {
    const serving = this.serving;
    if (this.name === "probation" || !serving || this.starting || this.draining.size > 0) return;
    if (serving.inflight > 0 || Date.now() - this.lastUsedAt < LANE_IDLE_MS) return;
    log(`${this.name}: no run for ${LANE_IDLE_MS / 1000} s: stopping its runtime (pid ${serving.pid})`);
    this.runtime = undefined;
    void this.host.changed(this);
    void serving.kill("stopped");
  }

  private probe(runtime: SandboxRuntime) {
    if (this.probing.has(runtime)) return;
    this.probing.add(runtime);
    void runtime.probe(WEDGE_MS).finally(() => this.probing.delete(runtime));
  }

  /**
   * workerd printed that an allocation failed at the kernel's data limit. Near the limit the runtime
   * is out of memory (its next allocation, any program's, may fail too): it goes. Far below it, one
   * allocation was larger than what is left, and the program that asked gets a RangeError.
   */
  private allocationFailed(runtime: SandboxRuntime) {
    if (!runtime.alive || runtime.failure) return;
    const { data } = runtime.memoryMib();
    if (data < DATA_LIMIT_MB - OUT_OF_MEMORY_MARGIN_MB) return;
    this.end(runtime, "memory", `out of memory (${Math.round(data)} of ${DATA_LIMIT_MB} MiB writable)`);
  }

  /** Kills a runtime for a limit: the serving one is replaced at once, a draining or starting one just goes. */
  private end(runtime: SandboxRuntime, failure: Failure, why: string) {
    if (runtime === this.runtime) {
      log(`${this.name}: runtime (pid ${runtime.pid}) ${why}: replacing it`);
      void this.retire(runtime, failure);
      return;
    }
    log(
      `${this.name}: ${this.draining.has(runtime) ? "draining" : "starting"} runtime (pid ${runtime.pid}) ${why}: killing it`,
    );
    void runtime.kill(failure);
  }

  private async retire(runtime: SandboxRuntime, failure: Failure) {
    this.runtime = undefined;
    void this.host.changed(this);
    const killed = runtime.kill(failure);
    const started = Date.now();
    await this.replace().catch((error: Error) => log(error.message));
    await killed;
    log(`${this.name}: back in ${Date.now() - started} ms`);
  }

  /**
   * A replaced runtime finishes its runs (watched meanwhile), then goes; at most DRAIN_MS. It serves
   * until the app has the table naming the new one (at most DRAIN_GRACE_MS: the app sends runs
   * straight to it until then), and DRAIN_SETTLE_MS more, for the reports of the runs sent before.
   * Under a sweep of new programs, probation is replaced about every second: a drain of a whole
   * DRAIN_GRACE_MS kept two full runtimes alive nearly all the time.
   */
  private drain(runtime: SandboxRuntime, told: Promise<void>) {
    runtime.retiring = true;
    this.draining.add(runtime);
    void (async () => {
      const deadline = Date.now() + DRAIN_MS;
      await Promise.race([told, sleep(DRAIN_GRACE_MS)]);
      await sleep(DRAIN_SETTLE_MS);
      while (runtime.alive && runtime.inflight > 0 && Date.now() < deadline) await sleep(50);
      await runtime.kill("stopped");
    })();
  }
}
