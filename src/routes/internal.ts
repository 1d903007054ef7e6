import { Schema } from "effect";
import { Hono } from "hono";
import { programDataFor } from "../capabilities/program-data";
import { StoreOp } from "../capabilities/store-api";
import type { AppEnv } from "../env";
import { ApiError } from "../respond/errors";
import { INTERNAL_SECRET_HEADER, STORE_PATH } from "../sandbox/protocol";
import { decodeOrFail } from "../validate/decode";
import { Hash } from "../validate/schemas";

const StoreRequest = Schema.Struct({ hash: Hash, request: StoreOp });

/** Whether the caller holds this deployment's internal secret; compared in constant time. */
function isInternal(secret: string | undefined, presented: string | undefined): boolean {
  if (!secret || !presented) return false;
  const a = new TextEncoder().encode(secret);
  const b = new TextEncoder().encode(presented);
  return a.byteLength === b.byteLength && crypto.subtle.timingSafeEqual(a, b);
}

/**
 * Routes only the local sandbox runtime may call (bun dev sets the secret; deployments have none,
 * so there these routes do not exist): it keeps no data itself, so env.STORE of a program running
 * there reaches the program's data here.
 */
export const internalRoutes = new Hono<AppEnv>().post(STORE_PATH, async (c) => {
  if (!isInternal(c.env.INTERNAL_SECRET, c.req.header(INTERNAL_SECRET_HEADER))) {
    throw new ApiError("route_not_found", `No route for POST ${STORE_PATH}.`);
  }
  const { hash, request } = decodeOrFail(StoreRequest, await c.req.json(), "invalid_request", "store request");
  try {
    return c.json(await programDataFor(c.env, hash).apply(request));
  } catch (error) {
    return c.json({ quota: (error as Error).message }, 422);
  }
});
