import type { AuthEnv } from "./request/auth-caller";
import type { Sandbox } from "./sandbox/sandbox";

/**
 * What every route of the app sees: the bindings (Env, generated from wrangler.jsonc by
 * `wrangler types` into worker-configuration.d.ts), the visitor the request belongs to, and the
 * sandbox that the entry module chose for this runtime.
 */
export interface AppEnv extends AuthEnv {
  Variables: AuthEnv["Variables"] & { sandbox: Sandbox };
}
