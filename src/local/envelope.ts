import { Schema } from "effect";
import { joinBytes } from "../base/bytes";
import { decodeOrFail } from "../base/decode";
import { Hash, Mode } from "../base/schemas";
import type { Run } from "../sandbox/execute";

/**
 * How the main worker hands a run to the local sandbox runtime (./sandbox-host): one body of parts
 * laid end to end (the run's metadata as JSON, the program's code, what was compiled from it, the
 * export called, then the body the program should see), their byte lengths in PARTS_HEADER. It replaced
 * multipart form data, whose encoding and parsing cost a run more than this does (BENCHMARKS.md).
 */
export const PARTS_HEADER = "x-promptlog-parts";

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
 * body (the meta), and the arguments (up to 1 MiB) must never push it out of reach or be mistaken for it.
 */
const CallMeta = Schema.Struct({ name: Schema.String, args: Schema.String });

/** What was built from the program at submit time, when it needed building. */
const CompiledMeta = Schema.Struct({
  mainModule: Schema.String,
  modules: Schema.Record(Schema.String, Schema.String),
  sourceMap: Schema.optional(Schema.String),
});

/** The parts before the program's body, in their order. */
const PARTS = ["meta", "code", "compiled", "call"] as const;
const PART_LENGTHS = /^\d{1,10}(,\d{1,10}){3}$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export interface Envelope {
  readonly headers: Record<typeof PARTS_HEADER, string>;
  readonly body: Uint8Array;
}

export async function encodeRun(run: Run): Promise<Envelope> {
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
  const parts = [
    encoder.encode(JSON.stringify(meta)),
    encoder.encode(run.program.code),
    run.program.compiled ? encoder.encode(JSON.stringify(run.program.compiled)) : new Uint8Array(),
    run.call ? encoder.encode(JSON.stringify(run.call)) : new Uint8Array(),
    meta.method === "POST" ? new Uint8Array(await run.request.arrayBuffer()) : new Uint8Array(),
  ];
  const lengths = parts.map((part) => part.byteLength);
  const body = joinBytes(
    parts,
    lengths.reduce((sum, length) => sum + length, 0),
  );
  return { headers: { [PARTS_HEADER]: lengths.slice(0, PARTS.length).join(",") }, body };
}

export async function decodeRun(request: Request): Promise<Run> {
  const lengths = request.headers.get(PARTS_HEADER);
  if (lengths === null || !PART_LENGTHS.test(lengths)) throw new Error("malformed sandbox run");
  const bytes = new Uint8Array(await request.arrayBuffer());
  const text: Partial<Record<(typeof PARTS)[number], string>> = {};
  let at = 0;
  lengths.split(",").forEach((length, index) => {
    const end = at + Number(length);
    if (end > bytes.byteLength) throw new Error("malformed sandbox run");
    const name = PARTS[index];
    if (name && end > at) text[name] = decoder.decode(bytes.subarray(at, end));
    at = end;
  });
  if (text.meta === undefined) throw new Error("malformed sandbox run");
  const meta = decodeOrFail(RunMeta, JSON.parse(text.meta), "internal_error", "sandbox run");
  const compiled =
    text.compiled === undefined
      ? undefined
      : decodeOrFail(CompiledMeta, JSON.parse(text.compiled), "internal_error", "sandbox run");
  const call =
    text.call === undefined
      ? undefined
      : decodeOrFail(CallMeta, JSON.parse(text.call), "internal_error", "sandbox call");
  const headers = new Headers();
  if (meta.contentType) headers.set("content-type", meta.contentType);
  return {
    hash: meta.hash,
    runId: meta.runId,
    program: {
      mode: meta.mode,
      code: text.code ?? "",
      ...(meta.network ? { network: true } : {}),
      ...(compiled ? { compiled } : {}),
    },
    limits: meta.limits,
    request: new Request(meta.url, {
      method: meta.method,
      headers,
      body: meta.method === "POST" ? bytes.slice(at) : null,
    }),
    ...(call ? { call } : {}),
  };
}
