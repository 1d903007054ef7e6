import { formatBytes } from "../base/bytes";
import {
  MAX_CODE_BYTES,
  MAX_PROMPT_BYTES,
  MAX_RUN_BODY_BYTES,
  RUN_WALL_MS,
  responseLimits,
  runLimits,
  STORE_MAX_BYTES,
  STORE_MAX_CALLS_PER_RUN,
  STORE_MAX_KEY_LENGTH,
  STORE_MAX_KEYS,
  STORE_MAX_VALUE_BYTES,
} from "../config/limits";

/**
 * What a program gets, as TypeScript declarations a model can write against: the snippet's globals,
 * the module's signature and callable exports, env.STORE with its quotas, the limits and the network
 * policy. Made from the limits this deployment really applies (its vars), so the words never drift
 * from what is enforced.
 */
export function programApi(env: Env): string {
  const run = runLimits(env);
  const answer = responseLimits(env);
  return `\`\`\`ts
// A program is JavaScript or TypeScript (language: "ts"), one file (code) or several (files + main,
// with npm packages named in a package.json), at most ${formatBytes(MAX_CODE_BYTES)} of source.

// ── A snippet: the body of an async function. Its value is the answer, as JSON. ──
declare const prompt: string; // the prompt, at most ${formatBytes(MAX_PROMPT_BYTES)}
declare let result: unknown; // assign it, or \`return\` a value (or a Response)

// ── A module: a default export with fetch (or only exports to call). ──
export default {
  fetch(request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response>,
};
// request.url carries the prompt as ?q= and ?prompt=; a run with input is a POST with it as the body
// (a string as text/plain, other JSON as application/json, at most ${formatBytes(MAX_RUN_BODY_BYTES)}).

// ── Exports a caller can call (tool "call", POST /call/:hash/:name), arguments and result JSON. ──
export function add(a: number, b: number): number; // called as "add"
export class Calc extends WorkerEntrypoint<Env> { // import { WorkerEntrypoint } from "cloudflare:workers"
  mul(a: number, b: number): Promise<number>; // called as "Calc.mul"; this.env.STORE is the run's
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

interface Env {
  /** The program's own key-value store (no one else's), kept between runs. */
  STORE: {
    get(key: string): Promise<Json | null>;
    put(key: string, value: Json): Promise<void>;
    delete(key: string): Promise<void>;
    list(): Promise<string[]>;
  };
  // Nothing else: no bindings, variables or secrets. process.env is empty.
}
// STORE quotas (a StoreQuotaError or TypeError the program can catch): ${STORE_MAX_CALLS_PER_RUN} calls per run,
// ${STORE_MAX_KEYS} keys, ${formatBytes(STORE_MAX_BYTES)} in all, ${formatBytes(STORE_MAX_VALUE_BYTES)} per value (as JSON), keys of 1 to ${STORE_MAX_KEY_LENGTH} characters.

// Limits of every run: ${run.cpuMs} ms of CPU, ${run.subRequests} subrequests, ${RUN_WALL_MS / 1000} s of wall time,
// an answer of at most ${formatBytes(answer.maxBytes)} finished within ${answer.maxMs / 1000} s.
// Network: none. fetch() and connect() throw, unless the program is submitted with network: true;
// then fetch() reaches only the hosts the operator allows (others answer 403), and each request is recorded.
\`\`\``;
}
