import { ApiError, errorResponse } from "../base/errors";
import { playgroundHosts, runOrigin } from "../config/origins";

/**
 * 421 for a request whose Host is neither the playground's (PLAYGROUND_HOSTS, when set) nor the run
 * origin's: a web page on a name that resolves to this machine must not reach it; null otherwise.
 */
export function misdirected(
  env: { PLAYGROUND_HOSTS?: unknown; RUN_ORIGIN?: unknown },
  request: Request,
): Response | null {
  const hosts = playgroundHosts(env);
  if (!hosts) return null;
  const host = new URL(request.url).host.toLowerCase();
  if (hosts.has(host) || runOrigin(env)?.host === host) return null;
  return errorResponse(
    new ApiError("misdirected_request", `This server does not answer for ${host}; open ${[...hosts][0]} instead.`),
  );
}
