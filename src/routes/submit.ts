import { type Context, Hono } from "hono";
import type { AppEnv } from "../app-env";
import type { SubmitAnswer } from "../base/answers";
import { formatBytes } from "../base/bytes";
import { decodeOrFail } from "../base/decode";
import type { Program } from "../base/program";
import { buildProgram, needsBuild } from "../build/build-program";
import { programSource } from "../build/source";
import { MAX_CODE_BYTES, MAX_SUBMIT_BODY_BYTES } from "../config/limits";
import { limitBody } from "../request/body-limit";
import { readJsonBody } from "../request/json-body";
import { rateLimit } from "../request/rate-limit";
import { hashProgram } from "../store/hash";
import { loadProgram, saveProgram } from "../store/program-store";
import { SubmitRequest } from "../validate/schemas";

const codeTooLarge = `The code is larger than ${formatBytes(MAX_CODE_BYTES)}.`;

/**
 * POST /submit: validate, build (TypeScript, several files, npm packages), hash, store, then load the
 * program's isolate so its first run is warm.
 * 201 for a new program, 200 when it was already stored; a program that cannot load is still
 * stored (its runs answer the same load error), and the answer says why it did not load.
 */
export const submitRoutes = new Hono<AppEnv>().post(
  "/submit",
  rateLimit("SUBMIT_LIMITER"),
  limitBody(MAX_SUBMIT_BODY_BYTES, "code_too_large", codeTooLarge),
  async (c) => {
    const { answer, created } = await submitProgram(c, decodeOrFail(SubmitRequest, await readJsonBody(c)));
    if (created) c.header("location", answer.url);
    return c.json(answer, created ? 201 : 200);
  },
);

/** What a submit came to: the answer, whether the program is new, and the program as stored (built). */
export interface Submitted {
  readonly answer: SubmitAnswer;
  readonly created: boolean;
  readonly program: Program;
}

/**
 * The one path of every submit (POST /submit, POST /api/execute, the MCP tools): build, hash, store,
 * and load the program's isolate.
 */
export async function submitProgram(c: Context<AppEnv>, body: SubmitRequest): Promise<Submitted> {
  const source = await programSource(body);
  const hash = await hashProgram(source);
  // A program already stored was built when it was first submitted: never build it twice. Plain
  // JavaScript has nothing to build, so it skips that store read (its put says whether it is new).
  const stored = needsBuild(source) ? await loadProgram(c.env, hash) : null;
  const program = stored ?? (await buildProgram(c.env, source));
  // Storing and loading need nothing of each other: the submit waits for the slower, not for both.
  const [{ created }, prepared] = await Promise.all([
    stored ? { created: false } : saveProgram(c.env, hash, program),
    c.get("sandbox").prepare(hash, program, { waitUntil: (work) => c.executionCtx.waitUntil(work) }),
  ]);
  const answer: SubmitAnswer = {
    hash,
    url: `/run/${hash}`,
    mode: program.mode,
    network: program.network === true,
    ...(program.language ? { language: program.language } : {}),
    ...(program.main ? { main: program.main } : {}),
    loaded: prepared.loaded,
    ...(prepared.loaded || !prepared.error ? {} : { loadError: prepared.error }),
  };
  return { answer, created, program };
}
