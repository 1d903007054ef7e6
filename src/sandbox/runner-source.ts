/**
 * Source of the modules we load next to the user's program. The runner is the isolate's main module:
 * it calls the program and reports how it ended, so the host can tell the program's own exceptions
 * from load failures and runtime limits. Its name appears in stack traces, so it says what it is.
 */
import { RUN_MARKER } from "../record/console-capture";

export const RUNNER_MODULE = "promptlog-runner.js";
export const PROGRAM_MODULE = "program.js";

// Shared by both runners: the error report, the warm flag (module state survives between runs of
// one isolate), and the marker that ties this invocation's console output to the run.
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
export default class Runner extends WorkerEntrypoint {
  async run(request, runId) {
    const wasWarm = begin(runId);
    const main = program.default;
    let handle;
    if (main && typeof main.fetch === "function") handle = (req) => main.fetch(req, this.env, this.ctx);
    else if (typeof main === "function" && typeof main.prototype?.fetch === "function")
      handle = (req) => new main(this.ctx, this.env).fetch(req);
    else return { kind: "load_error", message: "The module's default export has no fetch(request) handler. Export an object such as: export default { fetch(request) { return new Response('hi') } }", warm: wasWarm };
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

/**
 * A snippet becomes the body of an async function with `prompt` in scope. The user's first line
 * shares our first line, so runtime line numbers are the user's own. The inner function gives the
 * user's `const result`/`var result` its own scope, while a bare `result = …` lands in ours.
 */
export const SNIPPET_PREFIX = "export default async function (prompt) { let result; return await (async () => { ";

export function snippetModule(code: string): string {
  return `${SNIPPET_PREFIX}${code}\n;return result; })(); }\n`;
}
