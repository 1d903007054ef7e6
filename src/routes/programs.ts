import { Hono } from "hono";
import type { AppEnv } from "../env";
import { ApiError } from "../respond/errors";
import { loadProgram } from "../store/program-store";
import { decodeOrFail } from "../validate/decode";
import { Hash } from "../validate/schemas";

/** GET /api/programs/:hash: a stored program's source, so the page can reopen it. */
export const programRoutes = new Hono<AppEnv>().get("/api/programs/:hash", async (c) => {
  const hash = decodeOrFail(Hash, c.req.param("hash"), "invalid_hash", "hash");
  const program = await loadProgram(c.env, hash);
  if (!program) throw new ApiError("program_not_found", `No program is stored under ${hash}.`);
  return c.json({
    hash,
    url: `/run/${hash}`,
    mode: program.mode,
    network: program.network === true,
    ...(program.files ? { files: program.files, main: program.main } : { code: program.code }),
    ...(program.language ? { language: program.language } : {}),
  });
});
