import { Schema } from "effect";
import { decodeVars } from "../base/decode";
import { oncePerEnv } from "../base/once-per-env";

/**
 * The operator's token settings. REQUIRE_TOKEN (var): "true" refuses anonymous API calls. ADMIN_TOKEN
 * (secret): the operator's key to /admin/tokens, which does not exist without it. Secrets are not in
 * the generated Env, so both are read here and checked.
 */
const AuthVars = Schema.Struct({
  REQUIRE_TOKEN: Schema.optional(Schema.Literals(["", "true", "false"])),
  ADMIN_TOKEN: Schema.optional(
    Schema.String.check(Schema.isMinLength(16, { message: "ADMIN_TOKEN must be at least 16 characters" })),
  ),
});

export const authSettings = oncePerEnv((env: Env) => {
  const vars = decodeVars(AuthVars, env, "token settings (REQUIRE_TOKEN, ADMIN_TOKEN)");
  return { requireToken: vars.REQUIRE_TOKEN === "true", adminToken: vars.ADMIN_TOKEN ?? null };
});
