import { Schema } from "effect";
import { decodeOrFail } from "../base/decode";
import { oncePerEnv } from "../base/once-per-env";

/**
 * RUN_ORIGIN: a second origin (scheme, host and port) routed to this worker, on which programs'
 * answers are also served, and nothing else. A page a program answers runs there with its own
 * scripts, and shares no cookie or storage with the playground. Empty: no run origin (the
 * playground's own /run keeps its answers sandboxed).
 */
const RunOrigin = Schema.Union([
  Schema.Literal(""),
  Schema.String.check(
    Schema.isPattern(/^https?:\/\/[a-z0-9.[\]:-]+$/i, {
      message: "RUN_ORIGIN is an origin such as https://run.example.com (no path), or empty",
    }),
  ),
]);

export const runOrigin = oncePerEnv((env: { RUN_ORIGIN?: unknown }): URL | null => {
  const value = decodeOrFail(RunOrigin, env.RUN_ORIGIN ?? "", "internal_error", "RUN_ORIGIN");
  return value ? new URL(value) : null;
});

/**
 * PLAYGROUND_HOSTS: the hosts (host:port) the playground answers on, comma-separated. Another Host is
 * refused, so a name an attacker points at this machine (DNS rebinding) reaches nothing. Empty: any
 * host (Cloudflare routes only the worker's own hostnames to it).
 */
export const playgroundHosts = oncePerEnv((env: { PLAYGROUND_HOSTS?: unknown }): ReadonlySet<string> | null => {
  const value = decodeOrFail(Schema.String, env.PLAYGROUND_HOSTS ?? "", "internal_error", "PLAYGROUND_HOSTS");
  const hosts = value
    .split(",")
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
  return hosts.length ? new Set(hosts) : null;
});

/** Where an answer is served: the playground's own origin, or the run origin that serves nothing else. */
export type ServedOn = "playground" | "runs";

/** Whether a request came to the run origin (its Host names it). */
export function isRunOrigin(env: { RUN_ORIGIN?: unknown }, request: Request): boolean {
  const origin = runOrigin(env);
  return origin !== null && new URL(request.url).host === origin.host;
}
