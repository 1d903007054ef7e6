import { Schema } from "effect";
import { decodeVars } from "../base/decode";
import { oncePerEnv } from "../base/once-per-env";

/**
 * The operator's egress policy, for programs submitted with `network: true`: the hosts they may
 * reach (EGRESS_ALLOW, a var: host names, comma-separated) and headers added for some of them
 * (EGRESS_HEADERS, a secret: JSON { "host": { "header": "value" } }), which programs never see.
 */
export interface EgressPolicy {
  readonly allow: ReadonlySet<string>;
  readonly headers: Readonly<Record<string, Readonly<Record<string, string>>>>;
}

const HostHeaders = Schema.Record(Schema.String, Schema.Record(Schema.String, Schema.String));
const EgressVars = Schema.Struct({
  EGRESS_ALLOW: Schema.optional(Schema.String),
  EGRESS_HEADERS: Schema.optional(Schema.fromJsonString(HostHeaders)),
});

export const egressPolicy = oncePerEnv((env: { EGRESS_ALLOW?: unknown; EGRESS_HEADERS?: unknown }): EgressPolicy => {
  const vars = decodeVars(EgressVars, env, "egress configuration");
  const allow = (vars.EGRESS_ALLOW ?? "")
    .split(",")
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
  // Host names are matched lower-cased, so the operator's header keys are too.
  const headers = Object.fromEntries(
    Object.entries(vars.EGRESS_HEADERS ?? {}).map(([host, values]) => [host.trim().toLowerCase(), values]),
  );
  return { allow: new Set(allow), headers };
});
