import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../../src/index";
import { CLIENT_IP, ORIGIN } from "./api";

// Apart from api.ts: importing the worker module here brings the app's whole module graph into the
// test's own isolate, which only the files that call the worker with other bindings need.

/**
 * A request through the worker with its own execution context (and other vars or secrets, when
 * given), read whole and awaited to the end of every waitUntil: recording has happened by then.
 */
export async function callSettled(path: string, init: RequestInit = {}, workerEnv: Env = env): Promise<Response> {
  const request = new Request(`${ORIGIN}${path}`, init);
  if (!request.headers.has("cf-connecting-ip")) request.headers.set("cf-connecting-ip", CLIENT_IP);
  const ctx = createExecutionContext();
  const response = await worker.fetch(request, workerEnv, ctx);
  const body = await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return new Response(response.status === 204 ? null : body, response);
}
