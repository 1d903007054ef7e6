import { createApp } from "./app";
import { workerLoaderSandbox } from "./sandbox/worker-loader";

/** The worker Cloudflare runs (wrangler.jsonc, wrangler.prod.jsonc): programs run in its Worker Loader. */
export {
  ApiTokens,
  EgressGateway,
  ProgramData,
  ProgramStore,
  PromptLog,
  RunLogMailbox,
  RunTail,
  StoreAccess,
  VisitorKey,
} from "./objects";

export default createApp(workerLoaderSandbox);
