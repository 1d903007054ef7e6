import type { ProgramData } from "./capabilities/program-data";
import type { PromptLog } from "./record/prompt-log";
import type { RunLogMailbox } from "./record/run-logs";
import type { ProgramStore } from "./store/program-store";

/** Bindings of the main worker. LOADER is absent in wrangler.prod.jsonc. */
export interface Env {
  readonly LOADER?: WorkerLoader;
  readonly PROGRAMS: DurableObjectNamespace<ProgramStore>;
  readonly PROMPT_LOG: DurableObjectNamespace<PromptLog>;
  readonly RUN_LOGS: DurableObjectNamespace<RunLogMailbox>;
  readonly PROGRAM_DATA: DurableObjectNamespace<ProgramData>;
  readonly ASSETS: Fetcher;
  readonly SUBMIT_LIMITER?: RateLimit;
  readonly RUN_LIMITER?: RateLimit;
  readonly RUN_CPU_MS?: number | string;
  readonly RUN_SUBREQUESTS?: number | string;
  /** Egress policy for programs submitted with network: true (src/config/egress.ts). */
  readonly EGRESS_ALLOW?: string;
  /** A secret: JSON { host: { header: value } } added to requests to those hosts. */
  readonly EGRESS_HEADERS?: string;
  /** The npm registry multi-file programs' dependencies come from (default registry.npmjs.org). */
  readonly NPM_REGISTRY?: string;
  /** Set only by the local dev supervisor: where its separate sandbox runtime listens. */
  readonly SANDBOX_URL?: string;
  /** Set only by the local dev supervisor: the sandbox runtime's key to /internal routes. */
  readonly INTERNAL_SECRET?: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: { visitorId: string };
}

// Tells `cloudflare:workers` (its env and exports) what this worker's bindings and main module are.
type PromptlogEnv = Env;
declare global {
  namespace Cloudflare {
    interface Env extends PromptlogEnv {}
    interface GlobalProps {
      mainModule: typeof import("./index");
      durableNamespaces: "PromptLog" | "ProgramStore" | "RunLogMailbox" | "ProgramData";
    }
  }
}
