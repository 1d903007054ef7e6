/**
 * Source of the modules we load next to the user's program. The runner is the isolate's main module:
 * it calls the program and reports how it ended, so the host can tell the program's own exceptions
 * from load failures and runtime limits. Its name appears in stack traces, so it says what it is.
 */
import { PROGRAM_MODULE } from "../base/program";
import { RUN_MARKER } from "./telemetry/run-marker";

export const RUNNER_MODULE = "promptlog-runner.js";

// Shared by both runners: the error report, the warm flag (module state survives between runs of
// one isolate), and the marker that ties this invocation's console output to the run. ready() is
// called at submit time: loading the isolate then runs the program's top level and surfaces load
// errors before anyone runs it, and the first run finds the isolate warm. A module's env.STORE is
// the run's own (the host counts each run's calls), so it is handed to run(), not kept in the
// isolate's env.
const common = `
let warm = false;
function begin(runId) {
  console.debug(${JSON.stringify(RUN_MARKER)}, runId);
  const wasWarm = warm;
  warm = true;
  return wasWarm;
}
function describe(error, wasWarm) {
  if (error instanceof Error) {
    return { kind: "exception", name: error.name, message: error.message, stack: error.stack ?? "", warm: wasWarm };
  }
  return { kind: "exception", name: "Error", message: String(error), stack: "", warm: wasWarm };
}`;

export const MODULE_RUNNER = `import { WorkerEntrypoint } from "cloudflare:workers";
import * as program from "./${PROGRAM_MODULE}";
${common}
const NO_HANDLER = "The module's default export has no fetch(request) handler. Export an object such as: export default { fetch(request) { return new Response('hi') } }";
function handlerOf(main, ctx, env) {
  if (main && typeof main.fetch === "function") return (req) => main.fetch(req, env, ctx);
  if (typeof main === "function" && typeof main.prototype?.fetch === "function") return (req) => new main(ctx, env).fetch(req);
  return null;
}
export default class Runner extends WorkerEntrypoint {
  async ready() {
    if (!handlerOf(program.default, this.ctx, this.env)) return { kind: "load_error", message: NO_HANDLER, warm: false };
    warm = true;
    return { kind: "ready" };
  }
  async run(request, runId, store) {
    const wasWarm = begin(runId);
    const handle = handlerOf(program.default, this.ctx, { ...this.env, STORE: store });
    if (!handle) return { kind: "load_error", message: NO_HANDLER, warm: wasWarm };
    try {
      const response = await handle(request);
      if (!(response instanceof Response)) {
        return { kind: "exception", name: "TypeError", message: "fetch() must return a Response, got " + (response === null ? "null" : typeof response), stack: "", warm: wasWarm };
      }
      return { kind: "ok", response, warm: wasWarm };
    } catch (error) {
      return describe(error, wasWarm);
    }
  }
}
`;

export const SNIPPET_RUNNER = `import { WorkerEntrypoint } from "cloudflare:workers";
import snippet from "./${PROGRAM_MODULE}";
${common}
export default class Runner extends WorkerEntrypoint {
  async ready() {
    warm = true;
    return { kind: "ready" };
  }
  async run(request, runId) {
    const wasWarm = begin(runId);
    const prompt = new URL(request.url).searchParams.get("prompt") ?? "";
    try {
      const value = await snippet(prompt);
      if (value instanceof Response) return { kind: "ok", response: value, warm: wasWarm };
      const body = JSON.stringify(value === undefined ? null : value) ?? "null";
      return { kind: "ok", response: new Response(body, { headers: { "content-type": "application/json; charset=utf-8" } }), warm: wasWarm };
    } catch (error) {
      return describe(error, wasWarm);
    }
  }
}
`;
