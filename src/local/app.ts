import { createApp } from "../app";
import { localSandbox } from "./sandbox-client";
import { storeRelay } from "./store-relay";

/**
 * The app as `bun dev` serves it (scripts/app bundles this instead of src/index.ts): the same app,
 * with programs running in the supervised local sandbox runtime, and the relay that runtime uses to
 * reach programs' STORE data. Nothing here is in what `wrangler deploy` uploads.
 */
export * from "../objects";

export default createApp(localSandbox, storeRelay);
