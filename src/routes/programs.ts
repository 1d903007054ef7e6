import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import type { ProgramAnswer } from "../base/answers";
import { decodeOrFail } from "../base/decode";
import { ApiError } from "../base/errors";
import { Hash } from "../base/schemas";
import { callableExports } from "../sandbox/exports";
import { loadProgram } from "../store/program-store";

/** GET /api/programs/:hash: a stored program's source, so the page can reopen it. */
export const programRoutes = new Hono<AppEnv>().get("/api/programs/:hash", async (c) => {
  const hash = decodeOrFail(Hash, c.req.param("hash"), "invalid_hash", "hash");
  return c.json(await programAnswer(c.env, hash));
});

/** A stored program as the API describes it (also the MCP tool get_program): its source and its callable exports. */
export async function programAnswer(env: Env, hash: string): Promise<ProgramAnswer> {
  const program = await loadProgram(env, hash);
  if (!program) throw new ApiError("program_not_found", `No program is stored under ${hash}.`);
  return {
    hash,
    url: `/run/${hash}`,
    mode: program.mode,
    network: program.network === true,
    ...(program.files && program.main
      ? { files: program.files, main: program.main }
      : { code: program.code, ...(program.language ? { language: program.language } : {}) }),
    exports: await callableExports(program),
  };
}
