import type { EgressEntry } from "../../base/answers";
import type { EgressPolicy } from "../../config/egress";

/**
 * What a program's fetch() meets when it runs with network: the operator's allowlist, the
 * operator's secret headers for the hosts that have them (the program never sees them), and a
 * record of every request in the run's record.
 */
export async function forwardEgress(
  policy: EgressPolicy,
  request: Request,
  record: (entry: EgressEntry) => Promise<void>,
): Promise<Response> {
  const url = new URL(request.url);
  const host = url.hostname.toLowerCase();
  const started = Date.now();
  const entry = { method: request.method, host, path: url.pathname };
  if (!policy.allow.has(host)) {
    await record({ ...entry, status: 403, durationMs: 0, blocked: true });
    return new Response(`Promptlog's egress policy does not allow ${host}.`, {
      status: 403,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  const headers = new Headers(request.headers);
  for (const [name, value] of Object.entries(policy.headers[host] ?? {})) headers.set(name, value);
  try {
    // Never followed here: the program's runtime follows a redirect through this gateway again, so
    // its target meets the policy too.
    const response = await fetch(new Request(request, { headers, redirect: "manual" }));
    await record({ ...entry, status: response.status, durationMs: Date.now() - started, blocked: false });
    return response;
  } catch (error) {
    await record({ ...entry, status: 502, durationMs: Date.now() - started, blocked: false });
    return new Response(`The request to ${host} failed: ${(error as Error).message}`, { status: 502 });
  }
}
