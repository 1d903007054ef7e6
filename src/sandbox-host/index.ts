import { ApiError, errorResponse } from "../respond/errors";
import { programResponse } from "../respond/program-response";
import { decodeRun } from "../sandbox/envelope";
import { execute, type IsolateReuse } from "../sandbox/execute";
import { EXECUTE_PATH, HEALTH_PATH, OUTCOME_HEADER } from "../sandbox/protocol";
import { isolateId } from "../sandbox/worker-code";

/**
 * The local sandbox runtime: a separate workerd process, started and replaced by the dev
 * supervisor (scripts/sandbox), that runs programs for the main worker. Nothing else lives here, so
 * killing it when a program wedges or exhausts it loses nothing.
 */
interface HostEnv {
  readonly LOADER: WorkerLoader;
}

// Locally, LOADER.get isolates are never evicted. A program's first run therefore gets a fresh
// isolate that is freed afterwards, and only a program run again gets a cached one that stays warm:
// one-off programs never pile up. The supervisor recycles the runtime if memory still grows.
const MAX_REMEMBERED = 100_000;
const seen = new Set<string>();

function reuseFor(id: string): IsolateReuse {
  if (seen.has(id)) return "cached";
  if (seen.size >= MAX_REMEMBERED) seen.clear();
  seen.add(id);
  return "fresh";
}

function withOutcome(response: Response, outcome: "ok" | "error"): Response {
  const headers = new Headers(response.headers);
  headers.set(OUTCOME_HEADER, outcome);
  return new Response(response.body, { status: response.status, headers });
}

export default {
  async fetch(request: Request, env: HostEnv): Promise<Response> {
    const { pathname } = new URL(request.url);
    if (pathname === HEALTH_PATH) return new Response("ok");
    if (pathname !== EXECUTE_PATH || request.method !== "POST") return new Response("not found", { status: 404 });
    try {
      const run = await decodeRun(request);
      const reuse = reuseFor(isolateId(run.hash, run.limits));
      const response = await execute(env.LOADER, run.hash, run.program, run.limits, run.request, reuse);
      return withOutcome(programResponse(response), "ok");
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError("internal_error", `The sandbox runtime failed: ${String(error)}`);
      return withOutcome(errorResponse(apiError), "error");
    }
  },
};
