/**
 * Source of the modules we load next to the user's program. The runner is the isolate's main module:
 * it calls the program and reports how it ended, so the host can tell the program's own exceptions
 * from load failures and runtime limits. Its name appears in stack traces, so it says what it is.
 */
import { PROGRAM_MODULE } from "../base/program";
import { PREPARE_RUN, RUN_MARKER } from "./telemetry/run-marker";

export const RUNNER_MODULE = "promptlog-runner.js";

// Shared by both runners: the error report, the warm flag (module state survives between runs of
// one isolate), and the marker that ties this invocation's console output to the run. ready() is
// called at submit time: loading the isolate then runs the program's top level and surfaces load
// errors before anyone runs it, and the first run finds the isolate warm, its first console line
// printed already (the marker, with the run id PREPARE_RUN: ./telemetry/run-marker.ts). A module's
// env.STORE is the run's own (the host counts each run's calls), so it is handed to run(), not kept
// in the isolate's env.
const common = `
let warm = false;
function begin(runId) {
  if (MARKED) console.debug(${JSON.stringify(RUN_MARKER)}, runId);
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

// A call (POST /call/:hash/:name) reaches a module's own exports through the runner, not through an
// entrypoint of the program's: the runner marks the run for the console, hands the run's STORE, and
// turns the result into JSON inside the isolate, so nothing but JSON text (no function, no RPC stub
// of the program's) ever crosses back to us. Names resolve against the module namespace's own
// exports and, for a WorkerEntrypoint class, the methods its own classes define: never inherited
// ones (constructor, fetch, toString, __proto__ …).
const calls = `
const NOT_CALLABLE = new Set(["constructor", "fetch", "prototype", "__proto__", "then"]);
function own(object, key) { return Object.prototype.hasOwnProperty.call(object, key); }
function isClass(value) { return typeof value === "function" && /^class[\\s{]/.test(Function.prototype.toString.call(value)); }
function isEntrypoint(value) { return typeof value === "function" && value.prototype instanceof WorkerEntrypoint; }
function methodOf(cls, name) {
  if (NOT_CALLABLE.has(name)) return null;
  for (let proto = cls.prototype; proto && proto !== WorkerEntrypoint.prototype; proto = Object.getPrototypeOf(proto)) {
    const found = Object.getOwnPropertyDescriptor(proto, name);
    if (found) return typeof found.value === "function" ? found.value : null;
  }
  return null;
}
function methodsOf(cls) {
  const names = new Set();
  for (let proto = cls.prototype; proto && proto !== WorkerEntrypoint.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const name of Object.getOwnPropertyNames(proto)) if (methodOf(cls, name)) names.add(name);
  }
  return [...names];
}
function hasCallable() {
  if (isEntrypoint(program.default)) return true;
  return Object.keys(program).some((key) => key !== "default" && typeof program[key] === "function");
}
// What a name means: a function export, Class.method of an exported WorkerEntrypoint, or a method of
// the default export when it is a WorkerEntrypoint (as getEntrypoint() with no name would reach it).
function resolve(name, ctx, env) {
  const dot = name.indexOf(".");
  const head = dot === -1 ? name : name.slice(0, dot);
  const method = dot === -1 ? null : name.slice(dot + 1);
  if (method === null && head !== "default" && own(program, head)) {
    const value = program[head];
    if (isEntrypoint(value)) return { error: head + " is a WorkerEntrypoint class: call one of its methods, " + head + "." + (methodsOf(value)[0] ?? "method") + "." };
    if (typeof value !== "function" || isClass(value)) return { error: head + " is exported, but it is not a function." };
    return { call: (args) => value(...args) };
  }
  const owner = method === null ? "default" : head;
  const cls = own(program, owner) ? program[owner] : undefined;
  const wanted = method ?? head;
  if (!isEntrypoint(cls)) return { error: "The program has no callable export named " + name + "." };
  const fn = methodOf(cls, wanted);
  if (!fn) return { error: (owner === "default" ? "The default WorkerEntrypoint" : owner) + " has no method named " + wanted + "." };
  return { call: (args) => fn.apply(new cls(ctx, env), args) };
}
// Plain JSON only: a value JSON.stringify would quietly change (a function dropped, a Map turned
// into {}, NaN into null) or cannot write (a cycle, a BigInt) is refused, naming where it is.
function jsonProblem(value) {
  const ancestors = new Set();
  function visit(item, path) {
    if (item === null || item === undefined || typeof item === "string" || typeof item === "boolean") return null;
    if (typeof item === "number") return Number.isFinite(item) ? null : path + " is " + item + ", which JSON cannot hold";
    if (typeof item !== "object") return path + " is a " + typeof item;
    if (ancestors.has(item)) return path + " refers back to itself (a cycle)";
    if (item instanceof Date) return null;
    const proto = Object.getPrototypeOf(item);
    if (!Array.isArray(item) && proto !== Object.prototype && proto !== null) {
      return path + " is " + (item?.constructor?.name ? "a " + item.constructor.name : "not a plain object");
    }
    ancestors.add(item);
    for (const key of Object.keys(item)) {
      const problem = visit(item[key], Array.isArray(item) ? path + "[" + key + "]" : path + "." + key);
      if (problem) return problem;
    }
    ancestors.delete(item);
    return null;
  }
  try {
    return visit(value, "result");
  } catch (error) {
    return "result is too deeply nested";
  }
}
function jsonAnswer(value, wasWarm) {
  const problem = jsonProblem(value);
  if (problem) return { kind: "not_json", message: "The result is not JSON: " + problem + ".", warm: wasWarm };
  const body = JSON.stringify(value === undefined ? null : value) ?? "null";
  return { kind: "ok", response: new Response(body, { headers: { "content-type": "application/json; charset=utf-8" } }), warm: wasWarm };
}`;

const MODULE_RUNNER = `import { WorkerEntrypoint } from "cloudflare:workers";
import * as program from "./${PROGRAM_MODULE}";
${common}
${calls}
const NO_HANDLER = "The module's default export has no fetch(request) handler. Export an object such as: export default { fetch(request) { return new Response('hi') } }";
function handlerOf(main, ctx, env) {
  if (main && typeof main.fetch === "function") return (req) => main.fetch(req, env, ctx);
  if (typeof main === "function" && typeof main.prototype?.fetch === "function") return (req) => new main(ctx, env).fetch(req);
  return null;
}
export default class Runner extends WorkerEntrypoint {
  async ready() {
    // A module that only exports functions to call is complete without a fetch handler.
    if (!handlerOf(program.default, this.ctx, this.env) && !hasCallable()) return { kind: "load_error", message: NO_HANDLER, warm: false };
    begin(${JSON.stringify(PREPARE_RUN)});
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
  async call(name, argsJson, runId, store) {
    const wasWarm = begin(runId);
    const target = resolve(String(name), this.ctx, { ...this.env, STORE: store });
    if (target.error) return { kind: "no_export", message: target.error, warm: wasWarm };
    let value;
    try {
      value = await target.call(JSON.parse(argsJson));
    } catch (error) {
      return describe(error, wasWarm);
    }
    return jsonAnswer(value, wasWarm);
  }
}
`;

const SNIPPET_RUNNER = `import { WorkerEntrypoint } from "cloudflare:workers";
import snippet from "./${PROGRAM_MODULE}";
${common}
export default class Runner extends WorkerEntrypoint {
  async ready() {
    begin(${JSON.stringify(PREPARE_RUN)});
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
  async call(name, argsJson, runId) {
    const wasWarm = begin(runId);
    return { kind: "no_export", message: "A snippet has no exports to call: submit a module that exports functions.", warm: wasWarm };
  }
}
`;

// The marker is printed only where a tail reads it: an isolate without one (a run nobody traces)
// would only pay for the line.
const RUNNERS = {
  module: { marked: `const MARKED = true;\n${MODULE_RUNNER}`, unmarked: `const MARKED = false;\n${MODULE_RUNNER}` },
  snippet: { marked: `const MARKED = true;\n${SNIPPET_RUNNER}`, unmarked: `const MARKED = false;\n${SNIPPET_RUNNER}` },
};

/** The runner for a program of `mode`, in an isolate with our tail or without. */
export function runnerSource(mode: "module" | "snippet", tailed: boolean): string {
  return RUNNERS[mode][tailed ? "marked" : "unmarked"];
}
