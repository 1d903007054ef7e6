import { ApiError, errorResponse } from "../../base/errors";
import { capabilitiesOf } from "../../sandbox/capabilities/capabilities-of";
import { egressGatewayEntrypoint } from "../../sandbox/capabilities/egress-gateway";
import { StoreQuotaError, storeEntrypoint } from "../../sandbox/capabilities/store-api";
import { execute, ProgramError, prepare } from "../../sandbox/execute";
import { runTailEntrypoint } from "../../sandbox/telemetry/run-tail";
import { isolateId } from "../../sandbox/worker-code";
import { decodeRun } from "../envelope";
import { hasInternalSecret } from "../internal-secret";
import {
  EXECUTE_PATH,
  FULL_HEADER,
  HEALTH_PATH,
  INTERNAL_SECRET_HEADER,
  OUTCOME_HEADER,
  PREPARE_PATH,
  RETIRING_HEADER,
  STORE_PATH,
  WARM_HEADER,
} from "../protocol";
import { IsolateBudget, releasedWithBody } from "./isolate-budget";
import { traceBox } from "./trace-box";

/**
 * The local sandbox runtime: a separate workerd process, started and replaced by the dev
 * supervisor (scripts/sandbox), that runs programs for the app. Nothing durable lives here, so
 * killing it when a program wedges or exhausts it loses nothing stored.
 */
interface HostEnv {
  readonly LOADER: WorkerLoader;
  /** The app (bun dev's app server), which keeps every program's STORE data. */
  readonly APP_URL: string;
  readonly INTERNAL_SECRET: string;
  /** The supervisor, which takes each run's trace (./trace-box.ts). */
  readonly SUPERVISOR_URL: string;
  readonly EGRESS_ALLOW?: string;
  readonly EGRESS_HEADERS?: string;
}

// The entrypoints programs are handed carry the app's names (capabilitiesOf makes them from this
// module's exports), but keep what they see in this runtime's memory and reach STORE data through
// the app: this runtime may be replaced at any time.

/** The tail of every program here; traces go to the supervisor in batches (./trace-box.ts). */
export class RunTail extends runTailEntrypoint<HostEnv>(traceBox) {}

/** globalOutbound of programs with network, with the operator's policy as in production. */
export class EgressGateway extends egressGatewayEntrypoint<HostEnv>(traceBox) {}

/** env.STORE: the same checks as in production (store-api), with the operations carried to the app. */
export class StoreAccess extends storeEntrypoint<HostEnv>((env, { hash, runId }) => ({
  apply: async (request) => {
    const response = await fetch(new URL(STORE_PATH, env.APP_URL), {
      method: "POST",
      headers: { "content-type": "application/json", [INTERNAL_SECRET_HEADER]: env.INTERNAL_SECRET },
      body: JSON.stringify({ hash, runId, request }),
      redirect: "manual",
    });
    const body = (await response.json()) as { quota?: string; value?: string | null; keys?: string[] };
    if (body.quota) throw new StoreQuotaError(body.quota);
    if (!response.ok) throw new Error(`STORE is unavailable (${response.status})`);
    return body;
  },
})) {}

// Locally, LOADER.get isolates are never evicted: the budget bounds how many this runtime keeps and
// builds at once (./isolate-budget.ts), and the supervisor replaces it once it is full or its memory grows.
const budget = new IsolateBudget();

// A submit loads its program's isolate ahead of the first run, while fewer than this many programs
// loaded ahead wait for a run here: a flood of submits nobody runs must not fill the budget. Past it a
// submit loads nothing ahead (even a throwaway check leaves the runtime's memory higher), and the
// program's first run gets a throwaway isolate. A program that is run leaves the count: its isolate is
// what its runs use. 12 (about 26 MiB) leave room under the probation runtime's recycle at 160 MiB
// (scripts/sandbox/limits.ts) for the programs being run: with 30, 30 waiting beside 30 programs in use
// took it there, and each fresh runtime loaded 30 more ahead.
const PREPARE_BUDGET = 12;
const unrun = new Set<string>();

function answer(response: Response, outcome: "ok" | "error", warm?: boolean): Response {
  const headers = new Headers(response.headers);
  headers.set(OUTCOME_HEADER, outcome);
  if (warm !== undefined) headers.set(WARM_HEADER, warm ? "1" : "0");
  return new Response(response.body, { status: response.status, headers });
}

export default {
  async fetch(request: Request, env: HostEnv): Promise<Response> {
    // Every local process can reach this port: only the dev line's own supervisor is answered.
    if (!hasInternalSecret(env.INTERNAL_SECRET, request)) return new Response("forbidden", { status: 403 });
    const { pathname } = new URL(request.url);
    if (pathname === HEALTH_PATH) {
      // A runtime being replaced keeps no more isolates; a full one asks to be replaced.
      if (request.headers.get(RETIRING_HEADER) === "1") budget.stopKeeping();
      return new Response("ok", budget.full ? { headers: { [FULL_HEADER]: "1" } } : {});
    }
    const known = pathname === EXECUTE_PATH || pathname === PREPARE_PATH;
    if (!known || request.method !== "POST") return new Response("not found", { status: 404 });
    let release: (() => void) | undefined;
    try {
      const run = await decodeRun(request);
      // Every run here is watched by the tail, traced or not: its trace is how the supervisor learns
      // that a run (its ctx.waitUntil included) is over, which its lanes need (scripts/sandbox).
      const capabilities = (tailed: boolean) => capabilitiesOf(run.program, run.runId, tailed);
      const id = isolateId(run.hash, run.limits, true);
      if (pathname === PREPARE_PATH) {
        if (!budget.isKept(id)) {
          if (unrun.size >= PREPARE_BUDGET || !budget.keepAhead(id))
            return answer(new Response(null, { status: 204 }), "ok", false);
          unrun.add(id);
          release = await budget.building();
        }
        await prepare(env.LOADER, run, { capabilities });
        release?.();
        return answer(new Response(null, { status: 204 }), "ok", true);
      }
      unrun.delete(id);
      // A program with network gets a fresh isolate per run: its gateway names the run.
      const plan = budget.planRun(id, run.program.network === true);
      if (plan.builds) release = await budget.building();
      const executed = await execute(env.LOADER, run, { reuse: plan.reuse, capabilities });
      const response = release ? releasedWithBody(executed.response, release) : executed.response;
      return answer(response, "ok", executed.warm);
    } catch (error) {
      release?.();
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError("internal_error", `The sandbox runtime failed: ${String(error)}`);
      return answer(errorResponse(apiError), "error", apiError instanceof ProgramError ? apiError.warm : undefined);
    }
  },
};
