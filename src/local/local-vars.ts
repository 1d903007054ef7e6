import { Schema } from "effect";
import { decodeOrFail } from "../base/decode";
import { oncePerEnv } from "../base/once-per-env";

/**
 * What the dev line gives its app server besides wrangler.jsonc's bindings (scripts/app): where the
 * sandbox runtime's supervisor listens, and the secret that runtime shows when it calls back. They
 * are not in the generated Env because no deployment has them, so they are read and checked here.
 */
const LocalVars = Schema.Struct({ SANDBOX_URL: Schema.String, INTERNAL_SECRET: Schema.String });

export const localVars = oncePerEnv((env: Env) =>
  decodeOrFail(
    LocalVars,
    { SANDBOX_URL: Reflect.get(env, "SANDBOX_URL"), INTERNAL_SECRET: Reflect.get(env, "INTERNAL_SECRET") },
    "internal_error",
    "dev line configuration",
  ),
);
