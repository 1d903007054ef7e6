import { Hono } from "hono";
import { MAX_CODE_BYTES, MAX_SUBMIT_BODY_BYTES, utf8Bytes } from "../config/limits";
import type { AppEnv } from "../env";
import { formatBytes, limitBody } from "../request/body-limit";
import { readJsonBody } from "../request/json-body";
import { rateLimit } from "../request/rate-limit";
import { ApiError } from "../respond/errors";
import { prepareProgram } from "../sandbox/prepare-program";
import { detectMode } from "../store/detect-mode";
import { hashProgram } from "../store/hash";
import type { Program } from "../store/program";
import { saveProgram } from "../store/program-store";
import { decodeOrFail } from "../validate/decode";
import { SubmitRequest } from "../validate/schemas";

const codeTooLarge = `The code is larger than ${formatBytes(MAX_CODE_BYTES)}.`;

/**
 * POST /submit: validate, hash, store, then load the program's isolate so its first run is warm.
 * 201 for a new program, 200 when it was already stored; a program that cannot load is still
 * stored (its runs answer the same load error), and the answer says why it did not load.
 */
export const submitRoutes = new Hono<AppEnv>().post(
  "/submit",
  rateLimit("SUBMIT_LIMITER"),
  limitBody(MAX_SUBMIT_BODY_BYTES, "code_too_large", codeTooLarge),
  async (c) => {
    const body = decodeOrFail(SubmitRequest, await readJsonBody(c));
    if (utf8Bytes(body.code) > MAX_CODE_BYTES) throw new ApiError("code_too_large", codeTooLarge);
    const program: Program = {
      mode: body.mode ?? (await detectMode(body.code)),
      code: body.code,
      ...(body.network ? { network: true } : {}),
    };
    const hash = await hashProgram(program);
    const { created } = await saveProgram(c.env, hash, program);
    const url = `/run/${hash}`;
    if (created) c.header("location", url);
    const prepared = await prepareProgram(c.env, hash, program);
    return c.json(
      {
        hash,
        url,
        mode: program.mode,
        network: program.network === true,
        loaded: prepared.loaded,
        ...(prepared.loaded || !prepared.error ? {} : { loadError: prepared.error }),
      },
      created ? 201 : 200,
    );
  },
);
