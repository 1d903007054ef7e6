import { Schema } from "effect";
import { decodeVars } from "../base/decode";
import { oncePerEnv } from "../base/once-per-env";

/**
 * What the dev line gives its app server besides wrangler.jsonc's bindings (scripts/app): where the
 * sandbox runtime's supervisor listens, and the secret that runtime shows when it calls back. They
 * are not in the generated Env because no deployment has them, so they are read and checked here.
 */
const LocalVars = Schema.Struct({ SANDBOX_URL: Schema.String, INTERNAL_SECRET: Schema.String });

export const localVars = oncePerEnv((env: Env) => decodeVars(LocalVars, env, "dev line configuration"));
