import fc from "fast-check";
import { ERROR_STATUS } from "../../src/base/errors.ts";

/**
 * Hostile requests for every route: random and malformed bodies, oversized fields, invalid UTF-8,
 * odd content types, random hashes and abused headers. Used inside workerd and over real HTTP.
 */
export const DOCUMENTED = new Set<number>([200, 201, 204, ...Object.values(ERROR_STATUS)]);

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const junkSegment = fc.oneof(
  fc.string({ maxLength: 80 }),
  hex64,
  hex64.map((hash) => hash.toUpperCase()),
  hex64.map((hash) => hash.slice(0, 8)),
  fc.constantFrom("..", "%2e%2e", "%00", "%ff%fe", "a".repeat(3000), "🙂", "null", "undefined"),
);
const path = fc.oneof(
  fc.constant("/submit"),
  junkSegment.map((segment) => `/run/${encodeURIComponent(segment)}`),
  junkSegment.map((segment) => `/run/${segment}`),
  fc.constant("/api/history"),
  junkSegment.map((segment) => `/api/runs/${encodeURIComponent(segment)}`),
  junkSegment.map((segment) => `/api/programs/${encodeURIComponent(segment)}`),
  fc.constant("/"),
  fc.constant("/internal/store"),
  junkSegment.map((segment) => `/${encodeURIComponent(segment)}`),
);
const query = fc.oneof(
  fc.constant(""),
  fc.string({ maxLength: 50 }).map((text) => `?prompt=${encodeURIComponent(text)}`),
  fc.constant(`?prompt=${"x".repeat(17 * 1024)}`),
  fc.constant("?q=%ZZ&prompt=%"),
  fc.constant("?prompt=a&prompt=b&q=c"),
);
const body = fc.oneof(
  fc.constant(undefined),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 300 }),
  fc.constant(new Uint8Array([0xff, 0xfe, 0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1])),
  fc
    .record({
      code: fc.oneof(fc.string({ maxLength: 100 }), fc.integer(), fc.constant(null)),
      mode: fc.string({ maxLength: 10 }),
    })
    .map((value) => JSON.stringify(value)),
  fc.constant(JSON.stringify({ code: "x".repeat(300 * 1024) })),
  fc.constant(JSON.stringify({ code: "return 1", network: "yes", extra: { deep: [1, 2] } })),
);
const contentType = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=xyz",
    "text/plain",
    "application/json+evil",
    "APPLICATION/JSON",
    "",
  ),
  fc.string({ maxLength: 40 }),
);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,200}$/);
const headers = fc.record(
  {
    cookie: fc.oneof(
      headerValue,
      fc.constant("promptlog_visitor=../../etc"),
      fc.constant(`promptlog_visitor=${"a".repeat(4000)}`),
    ),
    origin: fc.oneof(headerValue, fc.constant("null"), fc.constant("http://localhost:8787")),
    "sec-fetch-site": fc.constantFrom("same-origin", "cross-site", "same-site", "none", "bogus"),
    "cf-connecting-ip": fc.oneof(fc.ipV4(), fc.ipV6(), headerValue),
    "x-promptlog-internal": headerValue,
    "content-length": fc.constantFrom("0", "-1", "999999999", "abc"),
  },
  { requiredKeys: [] },
);
const method = fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");

export interface HostileRequest {
  readonly path: string;
  readonly init: RequestInit;
}

export const hostileRequest = fc
  .tuple(method, path, query, body, contentType, headers)
  .map(([verb, where, search, payload, type, extra]): HostileRequest => {
    const requestHeaders = new Headers();
    for (const [name, value] of Object.entries(extra)) {
      try {
        if (name !== "content-length") requestHeaders.set(name, value);
      } catch {
        // A header value the platform itself refuses is not one a client can send either.
      }
    }
    if (type !== undefined) requestHeaders.set("content-type", type);
    const init: RequestInit = { method: verb, headers: requestHeaders };
    if (payload !== undefined && verb !== "GET" && verb !== "HEAD") init.body = payload as RequestInit["body"];
    return { path: `${where}${search}`, init };
  });

/** Asserts an answer to a hostile request is one the README documents, in the documented shape. */
export async function expectDocumented(request: HostileRequest, response: Response): Promise<boolean> {
  const text = await response.text();
  const what = `${request.init.method} ${request.path.slice(0, 60)} answered ${response.status}: ${text.slice(0, 200)}`;
  if (!DOCUMENTED.has(response.status)) throw new Error(what);
  if (response.status >= 400 && request.init.method !== "HEAD") {
    const error = (JSON.parse(text) as { error: { code: keyof typeof ERROR_STATUS } }).error;
    if (ERROR_STATUS[error.code] !== response.status) throw new Error(what);
  }
  return true;
}
