/**
 * Source of the modules we load next to the user's program. The runner is the isolate's main module:
 * it calls the program and reports how it ended, so the host can tell the program's own exceptions
 * from load failures and runtime limits. Its name appears in stack traces, so it says what it is.
 */
export const RUNNER_MODULE = "promptlog-runner.js";
export const PROGRAM_MODULE = "program.js";

const describeError = `
function describe(error) {
  if (error instanceof Error) {
    return { kind: "exception", name: error.name, message: error.message, stack: error.stack ?? "" };
  }
  return { kind: "exception", name: "Error", message: String(error), stack: "" };
}`;

export const MODULE_RUNNER = `import { WorkerEntrypoint } from "cloudflare:workers";
import * as program from "./${PROGRAM_MODULE}";
${describeError}
export default class Runner extends WorkerEntrypoint {
  async run(request) {
    const main = program.default;
    let handle;
    if (main && typeof main.fetch === "function") handle = (req) => main.fetch(req, this.env, this.ctx);
    else if (typeof main === "function" && typeof main.prototype?.fetch === "function")
      handle = (req) => new main(this.ctx, this.env).fetch(req);
    else return { kind: "load_error", message: "The module's default export has no fetch(request) handler. Export an object such as: export default { fetch(request) { return new Response('hi') } }" };
    try {
      const response = await handle(request);
      if (!(response instanceof Response)) {
        return { kind: "exception", name: "TypeError", message: "fetch() must return a Response, got " + (response === null ? "null" : typeof response), stack: "" };
      }
      return { kind: "ok", response };
    } catch (error) {
      return describe(error);
    }
  }
}
`;

export const SNIPPET_RUNNER = `import { WorkerEntrypoint } from "cloudflare:workers";
import snippet from "./${PROGRAM_MODULE}";
${describeError}
export default class Runner extends WorkerEntrypoint {
  async run(request) {
    const prompt = new URL(request.url).searchParams.get("prompt") ?? "";
    try {
      const value = await snippet(prompt);
      if (value instanceof Response) return { kind: "ok", response: value };
      const body = JSON.stringify(value === undefined ? null : value) ?? "null";
      return { kind: "ok", response: new Response(body, { headers: { "content-type": "application/json; charset=utf-8" } }) };
    } catch (error) {
      return describe(error);
    }
  }
}
`;

/**
 * A snippet becomes the body of an async function with `prompt` in scope. The user's first line
 * shares our first line, so runtime line numbers are the user's own. The inner function gives the
 * user's `const result`/`var result` its own scope, while a bare `result = …` lands in ours.
 */
export function snippetModule(code: string): string {
  return `export default async function (prompt) { let result; return await (async () => { ${code}\n;return result; })(); }\n`;
}
