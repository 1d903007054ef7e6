import type { ServedOn } from "../config/origins";

/** What the request stage's middleware sees: the bindings, the visitor, and which origin was asked. */
export interface RequestEnv {
  Bindings: Env;
  Variables: {
    visitorId: string;
    /** The playground's origin, or the run origin (RUN_ORIGIN), which serves runs and nothing else. */
    servedOn: ServedOn;
  };
}
