import { exports, WorkerEntrypoint } from "cloudflare:workers";
import { forwardEgress } from "../capabilities/egress";
import { StoreQuotaError, storeEntrypoint } from "../capabilities/store-api";
import { egressPolicy } from "../config/egress";
import { LOG_WAIT_MS } from "../config/limits";
import { captureRun, type RunConsole } from "../record/console-capture";
import type { EgressEntry, RunTrace } from "../record/history-entry";
import { KeyedWaiters } from "../record/waiters";
import { ApiError, errorResponse } from "../respond/errors";
import { programResponse } from "../respond/program-response";
import { decodeRun } from "../sandbox/envelope";
import { execute, type IsolateReuse, ProgramError, prepare } from "../sandbox/execute";
import {
  EXECUTE_PATH,
  HEALTH_PATH,
  INTERNAL_SECRET_HEADER,
  LOGS_PATH,
  OUTCOME_HEADER,
  PREPARE_PATH,
  STORE_PATH,
  WARM_HEADER,
} from "../sandbox/protocol";
import { type CapabilityMakers, capabilitiesOf, isolateId } from "../sandbox/worker-code";

/**
 * The local sandbox runtime: a separate workerd process, started and replaced by the dev
 * supervisor (scripts/sandbox), that runs programs for the main worker. Nothing durable lives here,
 * so killing it when a program wedges or exhausts it loses nothing stored.
 */
interface HostEnv {
  readonly LOADER: WorkerLoader;
  /** The app (bun dev's app server), which keeps every program's STORE data. */
  readonly APP_URL: string;
  readonly INTERNAL_SECRET: string;
  readonly EGRESS_ALLOW?: string;
  readonly EGRESS_HEADERS?: string;
}

/** globalOutbound of a program with network, as EgressGateway is in production; props name the run. */
export class HostEgressGateway extends WorkerEntrypoint<HostEnv, { runId: string }> {
  override fetch(request: Request): Promise<Response> {
    const { runId } = this.ctx.props;
    return forwardEgress(egressPolicy(this.env), request, async (entry) => {
      egress.set(runId, [...(egress.get(runId) ?? []), entry]);
    });
  }
}

/**
 * env.STORE for programs running here: the same checks as in production (store-api), with the
 * operations carried to the app, which keeps the data; this runtime may be replaced at any time.
 */
export class HostStoreAccess extends storeEntrypoint<HostEnv>((env, hash) => ({
  apply: async (request) => {
    const response = await fetch(new URL(STORE_PATH, env.APP_URL), {
      method: "POST",
      headers: { "content-type": "application/json", [INTERNAL_SECRET_HEADER]: env.INTERNAL_SECRET },
      body: JSON.stringify({ hash, request }),
    });
    const body = (await response.json()) as { quota?: string; value?: string | null; keys?: string[] };
    if (body.quota) throw new StoreQuotaError(body.quota);
    if (!response.ok) throw new Error(`STORE is unavailable (${response.status})`);
    return body;
  },
})) {}

// Locally, LOADER.get isolates are never evicted. A program's first run therefore gets a fresh
// isolate that is freed afterwards, and only a program run again gets a cached one that stays warm:
// one-off programs never pile up. The supervisor recycles the runtime if memory still grows.
const MAX_REMEMBERED = 100_000;
const seen = new Set<string>();

// A submit loads its program's isolate ahead of the first run, but only this many per runtime: every
// isolate loaded stays until the runtime is replaced, and a sweep of one-off programs must not fill
// it (and so replace it, cooling programs that are run again and again). Past the budget a submit
// loads nothing ahead (even a throwaway check leaves the runtime's memory higher), and the program's
// first run gets a throwaway isolate as before.
const PREPARE_BUDGET = 30;
let prepared = 0;

function reuseFor(id: string): IsolateReuse {
  if (seen.has(id)) return "cached";
  if (seen.size >= MAX_REMEMBERED) seen.clear();
  seen.add(id);
  return "fresh";
}

// Each run's console (from the tail) and egress (from the gateway), until the app collects them
// (GET /logs/<run id>).
const MAX_CONSOLES = 1_000;
const consoles = new Map<string, RunConsole>();
const egress = new Map<string, EgressEntry[]>();
const waiting = new KeyedWaiters<RunConsole>();

/** The tail the sandbox runtime gives every program, as the app's RunTail does in production. */
export class HostRunTail extends WorkerEntrypoint<HostEnv> {
  override async tail(events: TraceItem[]): Promise<void> {
    for (const item of events) {
      const run = captureRun(item);
      if (!run) continue;
      if (waiting.deliver(run.runId, run.console)) continue;
      if (consoles.size >= MAX_CONSOLES) consoles.delete(consoles.keys().next().value ?? "");
      if (egress.size >= MAX_CONSOLES) egress.delete(egress.keys().next().value ?? "");
      consoles.set(run.runId, run.console);
    }
  }
}

// `exports` is typed after the app's main module; this worker's own exports are these.
const own = exports as unknown as {
  HostRunTail: (options: { props: object }) => Fetcher;
  HostStoreAccess: (options: { props: { hash: string } }) => Fetcher;
  HostEgressGateway: (options: { props: { runId: string } }) => Fetcher;
};

/** The capabilities of programs running here, from this runtime's own entrypoints. */
const makers: CapabilityMakers = {
  tail: () => own.HostRunTail({ props: {} }),
  store: (hash) => own.HostStoreAccess({ props: { hash } }),
  gateway: (runId) => own.HostEgressGateway({ props: { runId } }),
};

async function takeTrace(runId: string): Promise<RunTrace> {
  const requests = egress.get(runId) ?? [];
  egress.delete(runId);
  return { console: await takeConsole(runId), egress: requests };
}

function takeConsole(runId: string): Promise<RunConsole | null> {
  const ready = consoles.get(runId);
  if (ready) {
    consoles.delete(runId);
    return Promise.resolve(ready);
  }
  return waiting.wait(runId, LOG_WAIT_MS);
}

function answer(response: Response, outcome: "ok" | "error", warm?: boolean): Response {
  const headers = new Headers(response.headers);
  headers.set(OUTCOME_HEADER, outcome);
  if (warm !== undefined) headers.set(WARM_HEADER, warm ? "1" : "0");
  return new Response(response.body, { status: response.status, headers });
}

export default {
  async fetch(request: Request, env: HostEnv): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === HEALTH_PATH) return new Response("ok");
    if (pathname.startsWith(LOGS_PATH)) {
      return Response.json(await takeTrace(decodeURIComponent(pathname.slice(LOGS_PATH.length))));
    }
    const known = pathname === EXECUTE_PATH || pathname === PREPARE_PATH;
    if (!known || request.method !== "POST") return new Response("not found", { status: 404 });
    try {
      const run = await decodeRun(request);
      const capabilities = () => capabilitiesOf(makers, run.hash, run.program, run.runId);
      if (pathname === PREPARE_PATH) {
        const id = isolateId(run.hash, run.limits);
        if (!seen.has(id)) {
          if (prepared >= PREPARE_BUDGET) return answer(new Response(null, { status: 204 }), "ok", false);
          prepared++;
          seen.add(id);
        }
        await prepare(env.LOADER, run, { capabilities });
        return answer(new Response(null, { status: 204 }), "ok", true);
      }
      const executed = await execute(env.LOADER, run, {
        reuse: run.program.network ? "fresh" : reuseFor(isolateId(run.hash, run.limits)),
        capabilities,
      });
      return answer(programResponse(executed.response), "ok", executed.warm);
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError("internal_error", `The sandbox runtime failed: ${String(error)}`);
      return answer(errorResponse(apiError), "error", apiError instanceof ProgramError ? apiError.warm : undefined);
    }
  },
};
