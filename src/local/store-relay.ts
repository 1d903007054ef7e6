import { Schema } from "effect";
import { Hono } from "hono";
import type { AppEnv } from "../app-env";
import { decodeOrFail } from "../base/decode";
import { ApiError } from "../base/errors";
import { Hash } from "../base/schemas";
import { programDataFor } from "../sandbox/capabilities/program-data";
import { StoreOp } from "../sandbox/capabilities/store-api";
import { hasInternalSecret } from "./internal-secret";
import { localVars } from "./local-vars";
import { STORE_PATH } from "./protocol";

const StoreRequest = Schema.Struct({ hash: Hash, runId: Schema.String, request: StoreOp });

/**
 * The one route only the local sandbox runtime may call: it keeps no data itself, so env.STORE of a
 * program running there reaches the program's data here. Without the dev line's secret it does not
 * exist.
 */
export const storeRelay = new Hono<AppEnv>().post(STORE_PATH, async (c) => {
  if (!hasInternalSecret(localVars(c.env).INTERNAL_SECRET, c.req.raw)) {
    throw new ApiError("route_not_found", `No route for POST ${STORE_PATH}.`);
  }
  const { hash, runId, request } = decodeOrFail(StoreRequest, await c.req.json(), "invalid_request", "store request");
  try {
    return c.json(await programDataFor(c.env, hash).apply(request, runId));
  } catch (error) {
    return c.json({ quota: (error as Error).message }, 422);
  }
});
