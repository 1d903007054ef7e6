import { joinBytes } from "../base/bytes";
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
export async function programResponse(
  response: Response,
  servedOn: ServedOn,
  limits: ResponseLimits,
): Promise<{ response: Response; ended: Promise<BodyEnd> }> {
  const headers = allowedProgramHeaders(response.headers);
  if (servedOn === "playground") headers.set("content-security-policy", "sandbox");
  headers.set("x-content-type-options", "nosniff");
  const { body, ended } = response.body
    ? await boundedBody(response.body, limits)
    : { body: null, ended: Promise.resolve<BodyEnd>(null) };
  return {
    response: new Response(body, { status: response.status, statusText: response.statusText, headers }),
    ended,
  };
}

/**
 * How long a body may take to show it is already whole. Most answers are: their bytes come in one
 * chunk and the end right after, and such a body goes out as those bytes, with no stream of ours to
 * pump (measured in raw workerd: that stream cost about as much CPU as the run itself). Any other
 * body starts streaming after this, so a streamed answer's first bytes are held this long at most.
 */
const WHOLE_WITHIN_MS = 2;
/** Only a small body is gathered whole; a larger one streams, so the app holds one chunk of it at a time. */
const WHOLE_UP_TO_BYTES = 64 * 1024;

type Read = ReadableStreamReadResult<Uint8Array>;

/** The body as bytes when it is small and whole at once; otherwise streamed, capped. */
async function boundedBody(source: ReadableStream<Uint8Array>, limits: ResponseLimits) {
  const reader = source.getReader();
  // The runtime's own timer, a promise already: nothing to clear when the body is whole first.
  const late = scheduler.wait(WHOLE_WITHIN_MS).then(() => null);
  const seen: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const next = reader.read();
    const read = await Promise.race([next, late]).catch(() => null);
    if (read === null) {
      // Not whole yet (or its stream failed): the rest streams, the pending read first.
      next.catch(() => {});
      return capped(reader, limits, seen, next);
    }
    if (read.done) {
      return { body: seen.length === 0 ? null : joinBytes(seen, bytes), ended: Promise.resolve<BodyEnd>(null) };
    }
    seen.push(read.value);
    bytes += read.value.byteLength;
    if (bytes > Math.min(WHOLE_UP_TO_BYTES, limits.maxBytes)) {
      return capped(reader, limits, seen, null);
    }
  }
}

/**
 * The body as a stream, cut (the caller's stream fails) at the byte or time limit, whichever comes
 * first: the chunks already read go first, then `pending` (a read already asked for), then the rest.
 */
function capped(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  limits: ResponseLimits,
  already: Uint8Array[],
  pending: Promise<Read> | null,
) {
  let settle: (end: BodyEnd) => void = () => {};
  const ended = new Promise<BodyEnd>((resolve) => {
    settle = resolve;
  });
  const queued = [...already];
  let waiting = pending;
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
  const nextRead = (): Promise<Read> => {
    const chunk = queued.shift();
    if (chunk) return Promise.resolve({ done: false, value: chunk });
    const read = waiting ?? reader.read();
    waiting = null;
    return read;
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      // The runtime's own timer: nothing to clear when the body ends first (`over` then ignores it).
      void scheduler.wait(limits.maxMs).then(() =>
        cut(controller, {
          code: "limit_exceeded",
          message: `The program's answer did not finish within ${limits.maxMs / 1000} s, so it was cut.`,
          limit: "responseMs",
        }),
      );
    },
    async pull(controller) {
      try {
        const { done, value } = await nextRead();
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
