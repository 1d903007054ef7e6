import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import type { ProgramAnswer } from "../base/answers";
import { decodeOrFail } from "../base/decode";
import { ApiError } from "../base/errors";
import { Hash } from "../base/schemas";
import { loadProgram } from "../store/program-store";

/** GET /api/programs/:hash: a stored program's source, so the page can reopen it. */
export const programRoutes = new Hono<AppEnv>().get("/api/programs/:hash", async (c) => {
  const hash = decodeOrFail(Hash, c.req.param("hash"), "invalid_hash", "hash");
  const program = await loadProgram(c.env, hash);
  if (!program) throw new ApiError("program_not_found", `No program is stored under ${hash}.`);
  const answer: ProgramAnswer = {
    hash,
    url: `/run/${hash}`,
    mode: program.mode,
    network: program.network === true,
    ...(program.files && program.main
      ? { files: program.files, main: program.main }
      : { code: program.code, ...(program.language ? { language: program.language } : {}) }),
  };
  return c.json(answer);
});
