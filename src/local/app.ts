import { Hono } from "hono";
import { createApp } from "../app";
import type { AppEnv } from "../app-env";
import { laneInbox } from "./lane-inbox";
import { localSandbox } from "./sandbox-client";
import { storeRelay } from "./store-relay";
import { traceInbox } from "./trace-inbox";

/**
 * The app as `bun dev` serves it (scripts/app bundles this instead of src/index.ts): the same app,
 * with programs running in the supervised local sandbox runtime, the relay that runtime uses to
 * reach programs' STORE data, the inbox its runs' traces come back to, and the table of lanes its runs go to. Nothing here is in what `wrangler deploy` uploads.
 */
export * from "../objects";

export default createApp(
  localSandbox,
  new Hono<AppEnv>().route("/", storeRelay).route("/", traceInbox).route("/", laneInbox),
);
