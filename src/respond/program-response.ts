import type { ErrorBody } from "../base/errors";
import type { ResponseLimits } from "../config/limits";
import type { ServedOn } from "../config/origins";

/**
 * Response headers a program may set. Everything else it sets is dropped: nothing it answers may set
 * or clear our origin's state (Set-Cookie, Clear-Site-Data, Service-Worker-Allowed, HSTS), open it
 * to other sites (CORS), send the visitor elsewhere without a click (Location, Refresh, Link), or
 * forge our own headers (x-run-id, x-promptlog-*).
 */
const ALLOWED = new Set([
  "content-type",
  "content-language",
  "content-disposition",
  "cache-control",
  "expires",
  "etag",
  "last-modified",
  "vary",
]);

/** A program's own x- headers pass, but not ours, nor those browsers act on. */
const OWN_HEADER =
  /^x-(?!promptlog-|run-id$|frame-options$|content-type-options$|xss-protection$|dns-prefetch-control$|permitted-cross-domain-policies$|download-options$|forwarded|real-ip$)[a-z0-9-]+$/;

/** A redirect's target, which no browser follows from here: the program's answer, readable by API clients. */
const PROGRAM_LOCATION_HEADER = "x-program-location";

function allowedProgramHeaders(from: Headers): Headers {
  const headers = new Headers();
  for (const [name, value] of from) {
    if (ALLOWED.has(name) || OWN_HEADER.test(name)) headers.append(name, value);
  }
  const location = from.get("location");
  if (location !== null) headers.set(PROGRAM_LOCATION_HEADER, location);
  return headers;
}

/** How the answer's body ended: the limit error it was cut at, or null when it ended as the program ended it. */
export type BodyEnd = ErrorBody | null;

/**
 * The program's response as the caller gets it: its status, its allowed headers, and its body
 * within the response limits. On the playground's origin it is rendered as an opaque, sandboxed
 * origin, so a page it returns cannot act as the visitor; on the run origin (which holds nothing of
 * the visitor's) its page runs with its own scripts. `ended` says how the body ended.
 */
export function programResponse(
  response: Response,
  servedOn: ServedOn,
  limits: ResponseLimits,
): { response: Response; ended: Promise<BodyEnd> } {
  const headers = allowedProgramHeaders(response.headers);
  if (servedOn === "playground") headers.set("content-security-policy", "sandbox");
  headers.set("x-content-type-options", "nosniff");
  const { body, ended } = response.body
    ? capped(response.body, limits)
    : { body: null, ended: Promise.resolve<BodyEnd>(null) };
  return {
    response: new Response(body, { status: response.status, statusText: response.statusText, headers }),
    ended,
  };
}

/** The body, cut (the caller's stream fails) at the byte or time limit, whichever comes first. */
function capped(source: ReadableStream<Uint8Array>, limits: ResponseLimits) {
  let settle: (end: BodyEnd) => void = () => {};
  const ended = new Promise<BodyEnd>((resolve) => {
    settle = resolve;
  });
  const reader = source.getReader();
  let bytes = 0;
  let over = false;
  const finish = (end: BodyEnd) => {
    over = true;
    settle(end);
  };
  const cut = (controller: ReadableStreamDefaultController<Uint8Array>, error: ErrorBody) => {
    if (over) return;
    finish(error);
    controller.error(new Error(error.message));
    void reader.cancel(error.message).catch(() => {});
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // The runtime's own timer: nothing to clear when the body ends first (`over` then ignores it).
      AbortSignal.timeout(limits.maxMs).addEventListener(
        "abort",
        () =>
          cut(controller, {
            code: "limit_exceeded",
            message: `The program's answer did not finish within ${limits.maxMs / 1000} s, so it was cut.`,
            limit: "responseMs",
          }),
        { once: true },
      );
    },
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (over) return;
        if (done) {
          finish(null);
          controller.close();
          return;
        }
        bytes += value.byteLength;
        if (bytes > limits.maxBytes) {
          cut(controller, {
            code: "limit_exceeded",
            message: `The program's answer passed ${limits.maxBytes} bytes, so it was cut.`,
            limit: "responseBytes",
          });
          return;
        }
        controller.enqueue(value);
      } catch (error) {
        if (over) return;
        // The program's stream failed (its isolate went away): the caller's fails the same way.
        finish(null);
        controller.error(error);
      }
    },
    cancel(reason) {
      // The caller went away: nothing more is read from the program.
      finish(null);
      return reader.cancel(reason);
    },
  });
  return { body, ended };
}
