import { timingSafeEqual } from "node:crypto";
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import { ApiError } from "../../src/base/errors.ts";
import {
  AHEAD_HEADER,
  EXECUTE_PATH,
  FAILED_ON_HEADER,
  INTERNAL_SECRET_HEADER,
  type LaneName,
  LOGS_PATH,
  OUTCOME_HEADER,
  PREPARE_PATH,
  PROGRAM_HEADER,
  type PushedTrace,
  RUN_HEADER,
  RUNS_PATH,
  type RunReport,
  TRACE_INBOX_PATH,
  TRACES_PATH,
  VERDICT_PATH,
  WANT_LANES_HEADER,
} from "../../src/local/protocol.ts";
import { isUntraced } from "../../src/sandbox/telemetry/trace-sink.ts";
import { listenOnFreePort } from "../workerd/free-port.ts";
import type { Failure } from "../workerd/process.ts";
import { Lane, type LaneHost, log, type SandboxRuntime } from "./lane.ts";
import { DATA_LIMIT_MB, LANES, LINGER_MS, MAX_RESENDS, WATCH_EVERY_MS, WEDGE_MS, WEDGE_SLACK_MS } from "./limits.ts";
import { appRouteOf, type Limit, ProgramRecords } from "./records.ts";
import { RoutesToApp } from "./routes-to-app.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The JSON error a run gets when its runtime ended under it, the same shape the worker answers. */
function failureError(failure: Failure, runtime: SandboxRuntime | undefined): ApiError {
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
        `The local sandbox runtime crashed: ${runtime?.lastWords() || "no message"}`,
      );
  }
}

/** What a program refused outright gets: it ran away after answering, where no run of it could be told. */
function bannedError(limit: Limit): ApiError {
  return limit === "cpu"
    ? new ApiError(
        "limit_exceeded",
        `The program exceeded its CPU time limit: after answering, a run of it kept the local runtime busy for over ${WEDGE_MS / 1000} s (ctx.waitUntil), so the runtime was replaced. The local sandbox no longer runs it, until the dev line restarts.`,
        { limit: "cpuMs" },
      )
    : new ApiError(
        "limit_exceeded",
        "The program exceeded its memory limit after answering (ctx.waitUntil), so the local runtime was replaced. The local sandbox no longer runs it, until the dev line restarts.",
        { limit: "memory" },
      );
}

/** One run (or one prepare) the supervisor handed to a runtime, from its start until it is known to be over. */
interface Track {
  readonly hash: string;
  readonly kind: "execute" | "prepare";
  readonly runtime: SandboxRuntime;
  readonly startedAt: number;
  runId: string | undefined;
  /** When its answer ended, in full (or cut by the app): the program may still run (ctx.waitUntil). */
  endedAt: number | undefined;
  /** When its runtime exited. */
  goneAt: number | undefined;
  /** One of the suspects when its runtime ended for a limit: its trace answers that limit's error. */
  blamed: boolean;
  /** Times it was sent again, each after a runtime another program's busy loop ended under it (see `resend`). */
  resent: number;
  /** The app sent it straight to its runtime, and reports on it (`startedDirect`). */
  direct: boolean;
  /** Counted in its runtime's `inflight` (a direct run, until its answer's end is reported). */
  counted: boolean;
  /** Its trace came before its answer's end was reported: it is over, once answered. */
  traceCame: boolean;
}

/** Whether the run's program has network (src/local/envelope.ts: its body starts with the run's meta, JSON). */
const NETWORK = /"network":true/;
/** How much of a run's body is read for that: the meta part comes first. */
const SNIFF_BYTES = 64 * 1024;
const NO_TRACE = JSON.stringify({ console: null, egress: [] });
const RECENT_RUNS = 64;
/**
 * How long a request for a late trace waits for the run's end: long enough for a run that wedged
 * its runtime after answering (ctx.waitUntil) to be caught, so its trace answers that limit.
 */
const LATE_TRACE_WAIT_MS = WEDGE_MS + 1_000;
/** The most a runtime's batch of traces may be (each console is capped at 64 KiB). */
const MAX_TRACES_BYTES = 16 * 1024 * 1024;
/** The most a batch of the app's run reports may be (a report is about 150 bytes). */
const MAX_REPORTS_BYTES = 4 * 1024 * 1024;
/** Traces and answers of runs whose start the app had not reported yet: this many of each are remembered. */
const EARLY_TRACES = 10_000;
/** How long a runtime's port is remembered after it exited: a run the app sent there may still come back. */
const PORT_MEMORY_MS = 60_000;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * Runs programs in workerd processes separate from the one serving the app, behind a loopback proxy,
 * in lanes (LANES in ./limits.ts): each run goes to its program's lane, by the x-promptlog-program
 * header, so that a program shares a runtime only with programs like it. A new program runs in
 * probation, a program with a clean record in the trusted lane, a slow one in the heavy lane, and
 * one convicted of ending a runtime in quarantine (./records.ts). Each lane keeps its runtime healthy
 * (./lane.ts): a runtime wedged by a busy loop or out of memory is replaced, and every run it held is
 * answered with the limit error instead of hanging. When a runtime ends for a limit, the programs
 * whose runs could have done it are blamed: the one in flight when it stopped answering, or one that
 * had answered and was still running (ctx.waitUntil).
 */
export class Supervisor {
  private readonly lanes: Record<LaneName, Lane>;
  private readonly records = new ProgramRecords();
  /** Runs in flight, or answered and perhaps still running, until LINGER_MS after their end. */
  private readonly tracks = new Set<Track>();
  /** The same, by run id: a run's trace is in the runtime that ran it. */
  private readonly byRunId = new Map<string, Track>();
  /** How long each runtime's last RECENT_RUNS runs took: what "slow" is measured against. */
  private readonly walls = new WeakMap<SandboxRuntime, number[]>();
  /** The app's requests for a late trace (GET /logs/<run id>), by run id, until the run's end is known. */
  private readonly lateTraces = new Map<string, ServerResponse>();
  /** Runs whose trace came before the app reported their start (it reports in batches). */
  private readonly earlyTraces = new Set<string>();
  /**
   * Runs whose answer's end was reported before their start: the batches go in requests of their own,
   * which may overtake one another. Counted from a start whose end was never matched, a run kept its
   * runtime "in flight" until it was forgotten 35 s later: a drain held two runtimes for 30 s, and
   * that run was a suspect of any end meanwhile.
   */
  private readonly earlyAnswers = new Map<string, Extract<RunReport, { kind: "answered" }>>();
  /** Every runtime by its port, with its lane: the app names the runtime it sent a run to by port. */
  private readonly byPort = new Map<number, { runtime: SandboxRuntime; lane: Lane }>();
  /** The app's table of where runs go, so that they need not pass through here. */
  private readonly routes: RoutesToApp;
  private readonly appUrl: string;
  private readonly server: Server;
  private watch: NodeJS.Timeout | undefined;
  private checks = 0;
  private stopping = false;
  private warnedUnbounded = false;

  private readonly secret: Buffer;
  private readonly headers: Record<string, string>;
  /** What every runtime's environment holds: the secrets, and where it sends its traces (SUPERVISOR_URL). */
  private readonly runtimeEnv: Record<string, string>;
  /** Ports the line's app will bind: neither the proxy nor a runtime may take them first. */
  private readonly reservedPorts: readonly number[];

  /**
   * `secret`: the dev line's internal secret. The supervisor answers only requests that carry it (the
   * app's), and its runtimes only the supervisor's; `env` reaches every runtime (the secrets its
   * config binds from the environment); `inspectorPort`, `reservedPorts`: see LaneHost.
   */
  constructor(
    workerd: string,
    configPath: string,
    options: {
      secret: string;
      env: Record<string, string>;
      appUrl: string;
      inspectorPort?: number;
      reservedPorts?: readonly number[];
    },
  ) {
    this.secret = Buffer.from(options.secret);
    this.headers = { [INTERNAL_SECRET_HEADER]: options.secret };
    this.appUrl = options.appUrl;
    this.reservedPorts = options.reservedPorts ?? [];
    this.runtimeEnv = { ...options.env };
    const host: LaneHost = {
      workerd,
      configPath,
      env: this.runtimeEnv,
      headers: this.headers,
      stopping: () => this.stopping,
      spawned: (runtime, lane) => {
        this.byPort.set(runtime.port, { runtime, lane });
        void runtime.exited.then(() => {
          this.ended(runtime, lane);
          setTimeout(() => {
            if (this.byPort.get(runtime.port)?.runtime === runtime) this.byPort.delete(runtime.port);
          }, PORT_MEMORY_MS).unref();
        });
      },
      changed: () => this.routes.lanesChanged(),
      checkBounded: (runtime) => this.checkBounded(runtime),
      reservedPorts: this.reservedPorts,
      ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
    };
    this.lanes = Object.fromEntries(LANES.map((name) => [name, new Lane(name, host)])) as Record<LaneName, Lane>;
    this.routes = new RoutesToApp(this.appUrl, this.headers, () => this.laneTable());
    this.server = createServer((request, response) => void this.forward(request, response));
  }

  /** Starts the probation lane's runtime and the proxy; answers the URL the main worker sends runs to. */
  async start(): Promise<string> {
    const url = `http://127.0.0.1:${await listenOnFreePort(this.server, this.reservedPorts)}`;
    // Runtimes send their runs' traces here (src/local/sandbox-host/trace-box.ts).
    this.runtimeEnv.SUPERVISOR_URL = url;
    // The other lanes start on their first run: an idle dev line runs one sandbox runtime.
    await this.lanes.probation.current();
    this.watch = setInterval(() => this.check(), WATCH_EVERY_MS);
    return url;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.routes.stop();
    clearInterval(this.watch);
    this.server.close();
    this.server.closeAllConnections();
    await Promise.all(Object.values(this.lanes).map((lane) => lane.stop()));
  }

  private check() {
    if (this.stopping) return;
    for (const lane of Object.values(this.lanes)) lane.check();
    if (++this.checks % 10 === 0) this.forget();
  }

  /** Forgets runs over LINGER_MS ago: their program can no longer be running. */
  private forget() {
    const now = Date.now();
    for (const track of this.tracks) {
      // A direct run whose answer's end was never reported (the app restarted) is forgotten too.
      const since = track.endedAt ?? track.goneAt ?? (track.direct ? track.startedAt + LINGER_MS : undefined);
      if (since !== undefined && now - since > LINGER_MS) this.untrack(track);
    }
  }

  /** Each lane's serving runtime, for the app's table. */
  private laneTable(): Record<LaneName, string | null> {
    return Object.fromEntries(
      LANES.map((name) => {
        const serving = this.lanes[name].serving;
        return [name, serving ? `http://127.0.0.1:${serving.port}` : null];
      }),
    ) as Record<LaneName, string | null>;
  }

  /** The program's record may have changed: the app's table follows it. */
  private reroute(hash: string) {
    this.routes.program(hash, appRouteOf(this.records.get(hash)));
  }

  private untrack(track: Track) {
    this.uncount(track);
    this.tracks.delete(track);
    if (track.runId !== undefined && this.byRunId.get(track.runId) === track) this.byRunId.delete(track.runId);
  }

  /** Says once if the kernel's data limit does not hold (no /proc, or the shell could not set it). */
  private checkBounded(runtime: SandboxRuntime) {
    const limit = runtime.dataLimitMib();
    if (limit !== undefined && limit <= DATA_LIMIT_MB) return;
    if (this.warnedUnbounded) return;
    this.warnedUnbounded = true;
    log(
      `the runtime runs without the kernel's ${DATA_LIMIT_MB} MiB data limit (found: ${limit ?? "none"}); only the ${WATCH_EVERY_MS} ms watchdog bounds its memory`,
    );
  }

  /** A runtime exited: when a limit ended it, the programs that could have done it are blamed. */
  private ended(runtime: SandboxRuntime, lane: Lane) {
    const now = Date.now();
    const held = [...this.tracks].filter((track) => track.runtime === runtime);
    for (const track of held) {
      track.goneAt = now;
      this.uncount(track);
    }
    const failure = runtime.failure;
    if (!this.stopping && (failure === "cpu" || failure === "memory") && lane.blameable(runtime)) {
      const loop = failure === "cpu" ? enteredLast(held, runtime) : undefined;
      const suspects = loop ? [loop] : suspectsOf(held, failure, runtime.lastHealthyAt);
      for (const track of suspects) track.blamed = true;
      let verdict = this.records.blame(
        suspects.map((track) => ({ hash: track.hash, answered: track.endedAt !== undefined })),
        failure,
      );
      // The runs that had entered and were waiting beside the loop go again; their programs share a strike.
      const beside = loop ? held.filter((track) => waitedBeside(track, loop, runtime)).map((track) => track.hash) : [];
      verdict += this.records.strikeBeside(beside, failure);
      log(`${lane.name}: runtime (pid ${runtime.pid}) ended (${failure}): ${verdict}`);
      for (const hash of new Set([...suspects.map((track) => track.hash), ...beside])) this.reroute(hash);
    }
    // The runs that had answered will send no trace now: the app learns how each ended (unless the
    // whole line is stopping, the app with it).
    if (this.stopping) return;
    const gone = held.filter((track) => track.endedAt !== undefined && track.runId !== undefined);
    this.deliver(gone.map((track) => this.goneTrace(track, runtime)));
  }

  /** The trace of a run whose runtime ended before sending it: the limit error if it is to blame. */
  private goneTrace(track: Track, runtime: SandboxRuntime): PushedTrace {
    const runId = track.runId ?? "";
    if (!track.blamed) return { runId, console: null, egress: [] };
    return {
      runId,
      console: null,
      egress: [],
      error: failureError(runtime.failure ?? "crash", runtime).toJSON().error,
    };
  }

  private forward(request: IncomingMessage, response: ServerResponse) {
    // Any local process, and any page the machine's browser opens, can reach this port.
    if (!this.fromApp(request)) {
      request.resume();
      response.writeHead(403, { "content-type": "text/plain" });
      return response.end("forbidden");
    }
    const path = request.url ?? "/";
    if (request.method === "POST" && path === TRACES_PATH) return void this.receiveTraces(request, response);
    if (request.method === "POST" && path === RUNS_PATH) return void this.receiveReports(request, response);
    if (request.method === "GET" && path.startsWith(VERDICT_PATH)) {
      return this.verdict(Number(path.slice(VERDICT_PATH.length)), response);
    }
    if (request.method === "GET" && path.startsWith(LOGS_PATH)) {
      let runId: string;
      try {
        runId = decodeURIComponent(path.slice(LOGS_PATH.length));
      } catch {
        return json(response, 200, NO_TRACE);
      }
      return this.lateTrace(runId, response);
    }
    const kind = path === EXECUTE_PATH ? "execute" : path === PREPARE_PATH ? "prepare" : undefined;
    return this.forwardRun(request, response, kind);
  }

  /** Whether the request carries the line's secret, compared in constant time. */
  private fromApp(request: IncomingMessage): boolean {
    const presented = request.headers[INTERNAL_SECRET_HEADER];
    if (typeof presented !== "string") return false;
    const given = Buffer.from(presented);
    return given.byteLength === this.secret.byteLength && timingSafeEqual(given, this.secret);
  }

  /** A run (or a prepare) goes to its program's lane; a program refused outright gets its error at once. */
  private async forwardRun(request: IncomingMessage, response: ServerResponse, kind: Track["kind"] | undefined) {
    const hash = kind ? programOf(request.headers) : undefined;
    if (request.headers[WANT_LANES_HEADER] !== undefined) this.routes.wanted();
    const failedOn = Number(request.headers[FAILED_ON_HEADER]);
    if (kind && hash !== undefined && Number.isInteger(failedOn) && failedOn > 0) {
      return this.failedDirect(request, response, { hash, kind }, failedOn);
    }
    // The app loads a program ahead where the table sends it through here; only a lane it has earned
    // is worth it (a refused program, or one bound for quarantine, is not loaded for nobody's run).
    const ahead = kind === "prepare" && request.headers[AHEAD_HEADER] === "1";
    if (ahead && (hash === undefined || !this.records.earnedNewLane(hash))) {
      request.resume();
      response.writeHead(204, { [OUTCOME_HEADER]: "ok" });
      return void response.end();
    }
    const route = this.records.route(hash);
    if (hash !== undefined) this.reroute(hash);
    if (route.banned) {
      request.resume();
      return answer(response, bannedError(route.banned));
    }
    let runtime: SandboxRuntime;
    try {
      runtime = await this.lanes[route.lane].current();
    } catch (error) {
      request.resume();
      return answer(
        response,
        new ApiError("internal_error", `The local sandbox runtime is unavailable: ${(error as Error).message}`),
      );
    }
    if (!kind || hash === undefined) return this.proxy(request, response, runtime, undefined);
    const track = this.track(hash, kind, runtime);
    if (kind === "execute" && route.movedFrom && (route.lane === "trusted" || route.lane === "heavy")) {
      // The program's first run in this lane: its isolate is loaded first, as a submit does, so the
      // run is warm (its module state starts over: another runtime).
      const body = await readBody(request);
      if (!body) {
        // The app gave up on the run before sending all of it.
        this.untrack(track);
        return response.destroy();
      }
      this.identify(track, runIdOf(request.headers));
      const head = body.subarray(0, SNIFF_BYTES).toString("latin1");
      if (!NETWORK.test(head)) await this.warmUp(runtime, hash, request.headers, body);
      return this.proxy(request, response, runtime, track, body);
    }
    if (kind === "execute") this.identify(track, runIdOf(request.headers));
    return this.proxy(request, response, runtime, track);
  }

  private track(hash: string, kind: Track["kind"], runtime: SandboxRuntime, startedAt = Date.now()): Track {
    const track: Track = {
      hash,
      kind,
      runtime,
      startedAt,
      runId: undefined,
      endedAt: undefined,
      goneAt: undefined,
      blamed: false,
      resent: 0,
      direct: false,
      counted: false,
      traceCame: false,
    };
    this.tracks.add(track);
    return track;
  }

  private identify(track: Track, runId: string | undefined) {
    if (runId === undefined) return;
    track.runId = runId;
    this.byRunId.set(runId, track);
  }

  /** Loads the program's isolate in `runtime` (POST /prepare with the run's own envelope). */
  private async warmUp(runtime: SandboxRuntime, hash: string, headers: IncomingHttpHeaders, body: Buffer) {
    const track = this.track(hash, "prepare", runtime);
    const reply = await send(runtime, { method: "POST", path: PREPARE_PATH, headers, body });
    if (reply) this.answered(track, reply.status >= 200, 0);
  }

  /** The run's answer ended: in full (or cut by the app) while its runtime still serves. */
  private answered(track: Track, normally: boolean, wallMs: number) {
    if (!normally) return;
    track.endedAt = Date.now();
    if (track.kind === "prepare") return this.untrack(track);
    const recent = this.walls.get(track.runtime) ?? [];
    const moved = this.records.answered(track.hash, wallMs, median(recent));
    if (moved) {
      log(moved);
      this.reroute(track.hash);
    }
    recent.push(wallMs);
    if (recent.length > RECENT_RUNS) recent.shift();
    this.walls.set(track.runtime, recent);
  }

  private proxy(
    request: IncomingMessage,
    response: ServerResponse,
    runtime: SandboxRuntime,
    track: Track | undefined,
    body?: Buffer,
  ) {
    const started = Date.now();
    // A run's envelope is kept until its answer comes, in case it must be sent again (see `resend`).
    const sent: Buffer[] = [];
    let sentAll = body !== undefined;
    if (!body && track?.kind === "execute") {
      request.on("data", (chunk: Buffer) => sent.push(chunk));
      request.once("end", () => {
        sentAll = true;
      });
    }
    runtime.inflight++;
    let counted = true;
    const done = () => {
      if (counted) runtime.inflight--;
      counted = false;
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
        runtime.heard();
        const deliver = () => {
          // The runtime ran out of memory as it answered: the error it answered (a program's
          // RangeError, say) is that limit.
          if (runtime.failure === "memory") {
            reply.resume();
            done();
            return answer(response, failureError("memory", runtime));
          }
          let cut = false;
          response.writeHead(reply.statusCode ?? 500, reply.headers);
          reply.pipe(response);
          // The app stopped reading (it cut the answer at a limit): the program's answer ends here.
          response.once("close", () => {
            if (reply.complete) return;
            cut = true;
            reply.destroy();
          });
          reply.once("end", () => runtime.heard(started));
          reply.once("close", () => {
            done();
            // An answer that broke off because its runtime went away is not an end: the run was in flight.
            const healthy = runtime.alive && !runtime.failure;
            if (track) this.answered(track, healthy && (reply.complete || cut), Date.now() - started);
          });
          reply.once("error", () => response.destroy());
        };
        // workerd prints an allocation failure before it answers the run that met it: one turn of
        // the event loop lets that output arrive, and have the runtime ended, before an error goes out.
        if (reply.headers[OUTCOME_HEADER] === "error") setImmediate(deliver);
        else deliver();
      },
    );
    upstream.once("error", async () => {
      done();
      // The runtime went away under this run: it was killed for a limit, or it crashed.
      await Promise.race([runtime.exited, sleep(1_000)]);
      const envelope = body ?? (sentAll ? Buffer.concat(sent) : undefined);
      if (track && envelope && !response.headersSent && goesAgain(track, runtime)) {
        this.untrack(track);
        return void this.resend(request, response, track, envelope);
      }
      answer(response, failureError(runtime.failure ?? "crash", runtime));
    });
    if (body) upstream.end(body);
    else request.pipe(upstream);
  }

  /**
   * A run that reached its runtime only after another program's busy loop had stopped it (workerd
   * runs every isolate of a process on one thread), or that was waiting there when another run entered
   * its program and looped, goes to the lane's new runtime, instead of failing with a limit it had no
   * part in: up to MAX_RESENDS times (another busy loop may take the new runtime while it waits there).
   */
  private async resend(
    request: IncomingMessage,
    response: ServerResponse,
    first: Pick<Track, "hash" | "runId" | "kind" | "resent">,
    envelope: Buffer,
  ) {
    const route = this.records.route(first.hash);
    if (route.banned) return answer(response, bannedError(route.banned));
    let runtime: SandboxRuntime;
    try {
      runtime = await this.lanes[route.lane].current();
    } catch (error) {
      return answer(
        response,
        new ApiError("internal_error", `The local sandbox runtime is unavailable: ${(error as Error).message}`),
      );
    }
    const track = this.track(first.hash, first.kind, runtime);
    track.resent = first.resent + 1;
    this.identify(track, first.runId);
    this.proxy(request, response, runtime, track, envelope);
  }

  /**
   * POST /traces from a runtime: the traces of its runs that ended. Each such run is over, waitUntil
   * and all, and counts as a clean run; the traces the app keeps go on to it, in one request.
   */
  private async receiveTraces(request: IncomingMessage, response: ServerResponse) {
    const traces = await receiveList<PushedTrace>(request, response, "traces", MAX_TRACES_BYTES);
    if (!traces) return;
    for (const trace of traces) {
      if (typeof trace?.runId !== "string" || trace.console === null) continue;
      const track = this.byRunId.get(trace.runId);
      if (!track) {
        this.rememberEarly(trace.runId);
        continue;
      }
      // A direct run's answer may still be going out to the app: it is over once that is reported.
      if (track.direct && track.endedAt === undefined) track.traceCame = true;
      else this.finish(track);
    }
    this.deliver(traces);
  }

  /** A run's invocation is over, waitUntil and all: a clean run if it was answered and nobody blamed it. */
  private finish(track: Track) {
    this.untrack(track);
    if (track.endedAt === undefined || track.blamed) return;
    const moved = this.records.finished(track.hash);
    if (moved) {
      log(moved);
      this.reroute(track.hash);
    }
  }

  private rememberEarly(runId: string) {
    if (runId.length > 200) return;
    this.earlyTraces.add(runId);
    forgetOldestPastBound(this.earlyTraces);
  }

  /**
   * POST /runs from the app: the runs it sent straight to a runtime, as each started and as each
   * answer ended. The supervisor follows them as it follows the runs it carries: in flight when a
   * runtime ends (blame), their time (the heavy lane), their lane's use (idle), their runtime's load (drain).
   */
  private async receiveReports(request: IncomingMessage, response: ServerResponse) {
    const reports = await receiveList<RunReport>(request, response, "reports", MAX_REPORTS_BYTES);
    if (!reports) return;
    for (const report of reports) {
      if (typeof report?.runId !== "string" || report.runId.length > 200 || typeof report.at !== "number") continue;
      if (report.kind === "started") this.startedDirect(report);
      else if (report.kind === "answered") this.answeredDirect(report);
    }
  }

  private startedDirect(report: Extract<RunReport, { kind: "started" }>) {
    const { runId, hash } = report;
    const known = this.byPort.get(report.port);
    if (typeof hash !== "string" || !/^[0-9a-f]{64}$/.test(hash)) return;
    // The run came back already (its runtime went away under it): the supervisor follows it since.
    if (!known?.runtime.alive || this.byRunId.has(runId)) return;
    known.lane.used();
    this.records.ranIn(hash, known.lane.name);
    this.reroute(hash);
    const track = this.track(hash, report.prepare ? "prepare" : "execute", known.runtime, report.at);
    track.direct = true;
    track.counted = true;
    known.runtime.inflight++;
    track.traceCame = this.earlyTraces.delete(runId);
    this.identify(track, runId);
    const answered = this.earlyAnswers.get(runId);
    if (answered) {
      this.earlyAnswers.delete(runId);
      this.answeredDirect(answered);
    }
  }

  private answeredDirect(report: Extract<RunReport, { kind: "answered" }>) {
    const track = this.byRunId.get(report.runId);
    if (!track) {
      this.earlyAnswers.set(report.runId, report);
      forgetOldestPastBound(this.earlyAnswers);
      return;
    }
    if (!track.direct || track.endedAt !== undefined) return;
    this.uncount(track);
    const healthy = track.runtime.alive && !track.runtime.failure;
    // Its answer is a sign of life, as a health check's is: long runs back to back keep those waiting.
    if (healthy) track.runtime.heard(track.startedAt, Math.min(Date.now(), report.at));
    this.answered(track, healthy, Math.max(0, Number(report.wallMs) || 0));
    if (track.traceCame) this.finish(track);
  }

  private uncount(track: Track) {
    if (!track.counted) return;
    track.counted = false;
    track.runtime.inflight--;
  }

  /**
   * A run (or a load) the app sent straight to the runtime on `port`, which went away under it. When that runtime
   * ended for a limit and the run is one of those blamed for it, it gets the limit error, as a run the
   * supervisor carried would. Any other run goes again, once, to its lane's runtime now: it never started
   * (it was sent after a busy loop had stopped the runtime, or after the runtime was gone, before the app
   * heard), or it was cut short by an end it had no part in (a crash, or a runtime the supervisor had
   * stopped: idle, or drained).
   */
  private async failedDirect(
    request: IncomingMessage,
    response: ServerResponse,
    { hash, kind }: Pick<Track, "hash" | "kind">,
    port: number,
  ) {
    const envelope = await readBody(request);
    if (!envelope) return response.destroy();
    const runId = runIdOf(request.headers);
    const runtime = this.byPort.get(port)?.runtime;
    // Its end is what decides, and what blames: wait for it (a killed runtime exits at once).
    if (runtime) await Promise.race([runtime.exited, sleep(1_000)]);
    const tracked = runId === undefined ? undefined : this.byRunId.get(runId);
    const first = tracked?.runtime === runtime ? tracked : undefined;
    if (first) this.untrack(first);
    // A runtime still serving dropped the run itself: it may have run, so it does not go again.
    if (runtime?.alive && !runtime.failure) return answer(response, failureError("crash", runtime));
    if (this.stopping) return answer(response, failureError("stopped", runtime));
    if (first?.blamed) return answer(response, failureError(runtime?.failure ?? "crash", runtime));
    return this.resend(request, response, { hash, runId, kind, resent: 0 }, envelope);
  }

  /**
   * GET /verdict/<port>: a direct run was answered with an error. If the runtime on that port ran out
   * of memory as it answered, that error (a program's RangeError, say) is the memory limit's.
   */
  private verdict(port: number, response: ServerResponse) {
    // workerd prints an allocation failure before it answers the run that met it: one turn of the
    // event loop lets that output arrive, and have the runtime ended.
    setImmediate(() => {
      const runtime = this.byPort.get(port)?.runtime;
      if (runtime?.failure !== "memory") return void response.writeHead(204).end();
      answer(response, failureError("memory", runtime));
    });
  }

  /**
   * Traces to the app: to a request that waits for one (GET /logs), or in one request to its inbox.
   * A run nobody traces ends here.
   */
  private deliver(traces: readonly PushedTrace[]) {
    const batch: PushedTrace[] = [];
    for (const trace of traces) {
      const waiting = this.lateTraces.get(trace.runId);
      if (waiting) {
        this.lateTraces.delete(trace.runId);
        json(waiting, 200, JSON.stringify(trace));
      } else if (!isUntraced(trace.runId)) {
        batch.push(trace);
      }
    }
    if (batch.length === 0) return;
    fetch(new URL(TRACE_INBOX_PATH, this.appUrl), {
      method: "POST",
      headers: { "content-type": "application/json", ...this.headers },
      body: JSON.stringify({ traces: batch }),
      redirect: "manual",
    })
      .then((answer) => answer.body?.cancel())
      .catch((error: Error) => log(`traces did not reach the app: ${error.message}`));
  }

  /**
   * GET /logs/<run id>: a trace that did not reach the app in time. Answered when the run's end is
   * known: its trace comes, or its runtime ends (a run to blame gets the limit error); or after
   * LATE_TRACE_WAIT_MS, without one.
   */
  private lateTrace(runId: string, response: ServerResponse) {
    const track = this.byRunId.get(runId);
    if (!track || track.endedAt === undefined) return json(response, 200, NO_TRACE);
    if (track.goneAt !== undefined) return json(response, 200, JSON.stringify(this.goneTrace(track, track.runtime)));
    this.lateTraces.get(runId)?.destroy();
    this.lateTraces.set(runId, response);
    const timer = setTimeout(() => {
      if (this.lateTraces.get(runId) !== response) return;
      this.lateTraces.delete(runId);
      json(response, 200, NO_TRACE);
    }, LATE_TRACE_WAIT_MS);
    response.once("close", () => {
      clearTimeout(timer);
      if (this.lateTraces.get(runId) === response) this.lateTraces.delete(runId);
    });
  }
}

/**
 * The runs that could have ended `runtime` (it stopped answering health checks after `healthyAt`, or
 * ran out of memory): those in flight then (for memory, all in flight), and those that had answered
 * but were still running (their trace had not come: a run's trace comes once its invocation is over).
 */
function suspectsOf(all: Track[], failure: Limit, healthyAt: number): Track[] {
  // A run whose trace came is over: nothing of it still runs.
  const held = all.filter((track) => !track.traceCame);
  const inFlight = held.filter(
    (track) => track.endedAt === undefined && (failure === "memory" || track.startedAt <= healthyAt + WEDGE_SLACK_MS),
  );
  const lingering = held.filter((track) => track.endedAt !== undefined);
  return [...inFlight, ...lingering];
}

/**
 * The run whose program busy-looped as it was entered: the last one to enter its program, if it was
 * still in flight and its runtime answered nothing sent after that (a program that awaited let the
 * runtime answer again). Another run's loop after an await is not told apart this way: then every
 * run that could have done it is a suspect (`suspectsOf`).
 */
function enteredLast(held: readonly Track[], runtime: SandboxRuntime): Track | undefined {
  const entered = runtime.lastEntered;
  if (!entered || runtime.answeredSentAt > entered.at) return undefined;
  return held.find((track) => track.runId === entered.runId && track.endedAt === undefined && !track.traceCame);
}

/** A run of another program than the loop's that had entered its program and was still in flight. */
function waitedBeside(track: Track, loop: Track, runtime: SandboxRuntime): boolean {
  return (
    track.hash !== loop.hash &&
    track.endedAt === undefined &&
    track.runId !== undefined &&
    runtime.hasEntered(track.runId)
  );
}

/**
 * Whether a run that was in flight when its runtime was killed for a busy loop goes again: it was not
 * blamed, so it never started (it was sent after the loop had the thread), or the loop was another
 * run's, entered after it (`enteredLast`).
 */
function goesAgain(track: Track, runtime: SandboxRuntime): boolean {
  return runtime.failure === "cpu" && track.kind === "execute" && !track.blamed && track.resent < MAX_RESENDS;
}

function runIdOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers[RUN_HEADER];
  return typeof value === "string" && value.length <= 200 ? value : undefined;
}

function programOf(headers: IncomingHttpHeaders): string | undefined {
  const value = headers[PROGRAM_HEADER];
  return typeof value === "string" && /^[0-9a-f]{1,128}$/.test(value) ? value : undefined;
}

/** The whole body of a request; undefined if it broke off (or passed `maxBytes`). */
function readBody(request: IncomingMessage, maxBytes = Number.POSITIVE_INFINITY): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    request.on("data", (chunk: Buffer) => {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) {
        request.destroy();
        return resolve(undefined);
      }
      chunks.push(chunk);
    });
    request.once("end", () => resolve(Buffer.concat(chunks)));
    request.once("error", () => resolve(undefined));
    request.once("close", () => {
      if (!request.complete) resolve(undefined);
    });
  });
}

/**
 * A batch posted to the supervisor, `{ [key]: T[] }`, answered 204 at once (400 if it is not one). Its
 * items are only as trustworthy as JSON: each is checked where it is used.
 */
async function receiveList<T>(
  request: IncomingMessage,
  response: ServerResponse,
  key: string,
  maxBytes: number,
): Promise<T[] | undefined> {
  const body = await readBody(request, maxBytes);
  let items: unknown;
  try {
    items = (JSON.parse(body?.toString() ?? "") as Record<string, unknown>)[key];
  } catch {
    items = undefined;
  }
  if (!Array.isArray(items)) {
    response.writeHead(400).end();
    return undefined;
  }
  response.writeHead(204).end();
  return items as T[];
}

/** What came early (before its run's start) is remembered in order: past EARLY_TRACES, the oldest goes. */
function forgetOldestPastBound(early: Set<string> | Map<string, unknown>) {
  if (early.size > EARLY_TRACES) early.delete(early.keys().next().value ?? "");
}

/** One request of the supervisor's own to a runtime, answered in full; undefined if the runtime went away. */
function send(
  runtime: SandboxRuntime,
  options: { method: string; path: string; headers?: IncomingHttpHeaders; body?: Buffer },
): Promise<{ status: number; body: Buffer } | undefined> {
  runtime.inflight++;
  return new Promise<{ status: number; body: Buffer } | undefined>((resolve) => {
    const request = httpRequest(
      {
        host: "127.0.0.1",
        port: runtime.port,
        method: options.method,
        path: options.path,
        headers: options.headers,
        agent: runtime.agent,
      },
      (reply) => {
        const chunks: Buffer[] = [];
        reply.on("data", (chunk: Buffer) => chunks.push(chunk));
        reply.once("end", () => {
          runtime.heard();
          resolve({ status: reply.statusCode ?? 500, body: Buffer.concat(chunks) });
        });
        reply.once("error", () => resolve(undefined));
      },
    );
    request.once("error", () => resolve(undefined));
    request.end(options.body);
  }).finally(() => runtime.inflight--);
}

function json(response: ServerResponse, status: number, body: string | Buffer) {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(body);
}

function answer(response: ServerResponse, error: ApiError) {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(error.status, { "content-type": "application/json", [OUTCOME_HEADER]: "error" });
  response.end(JSON.stringify(error.toJSON()));
}
