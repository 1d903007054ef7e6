import { Schema } from "effect";
import { decodeOrFail } from "../base/decode";
import { Hash, Mode } from "../base/schemas";
import type { Run } from "../sandbox/execute";

/**
 * How the main worker hands a run to the local sandbox runtime (./sandbox-host): multipart form
 * data with the run's metadata as JSON, the program's code, and the body the program should see.
 */
const RunMeta = Schema.Struct({
  hash: Hash,
  runId: Schema.String,
  mode: Mode,
  network: Schema.Boolean,
  limits: Schema.Struct({ cpuMs: Schema.Number, subRequests: Schema.Number }),
  url: Schema.String,
  method: Schema.Literals(["GET", "POST"]),
  contentType: Schema.optional(Schema.String),
});

/**
 * A call of one of the program's exports (src/sandbox/execute.ts ProgramCall). It is a part of its own,
 * after the meta: the supervisor reads whether the program has network from the first bytes of the
 * meta part, and the arguments (up to 1 MiB) must never push it out of reach or be mistaken for it.
 */
const CallMeta = Schema.Struct({ name: Schema.String, args: Schema.String });

/** What was built from the program at submit time, when it needed building. */
const CompiledMeta = Schema.Struct({
  mainModule: Schema.String,
  modules: Schema.Record(Schema.String, Schema.String),
  sourceMap: Schema.optional(Schema.String),
});

export async function encodeRun(run: Run): Promise<FormData> {
  const form = new FormData();
  const meta: typeof RunMeta.Type = {
    hash: run.hash,
    runId: run.runId,
    mode: run.program.mode,
    network: run.program.network === true,
    limits: run.limits,
    url: run.request.url,
    method: run.request.method === "POST" ? "POST" : "GET",
    contentType: run.request.headers.get("content-type") ?? undefined,
  };
  form.set("meta", JSON.stringify(meta));
  form.set("code", run.program.code);
  if (run.program.compiled) form.set("compiled", JSON.stringify(run.program.compiled));
  if (run.call) form.set("call", JSON.stringify(run.call));
  if (meta.method === "POST") form.set("body", new Blob([await run.request.arrayBuffer()]));
  return form;
}

export async function decodeRun(request: Request): Promise<Run> {
  const form = await request.formData();
  const code = form.get("code");
  const rawMeta = form.get("meta");
  if (typeof code !== "string" || typeof rawMeta !== "string") throw new Error("malformed sandbox run");
  const meta = decodeOrFail(RunMeta, JSON.parse(rawMeta), "internal_error", "sandbox run");
  const body = form.get("body");
  const rawCompiled = form.get("compiled");
  const compiled =
    typeof rawCompiled === "string"
      ? decodeOrFail(CompiledMeta, JSON.parse(rawCompiled), "internal_error", "sandbox run")
      : undefined;
  const rawCall = form.get("call");
  const call =
    typeof rawCall === "string"
      ? decodeOrFail(CallMeta, JSON.parse(rawCall), "internal_error", "sandbox call")
      : undefined;
  const headers = new Headers();
  if (meta.contentType) headers.set("content-type", meta.contentType);
  return {
    hash: meta.hash,
    runId: meta.runId,
    program: { mode: meta.mode, code, ...(meta.network ? { network: true } : {}), ...(compiled ? { compiled } : {}) },
    limits: meta.limits,
    request: new Request(meta.url, {
      method: meta.method,
      headers,
      body: meta.method === "POST" && body instanceof Blob ? body : null,
    }),
    ...(call ? { call } : {}),
  };
}
