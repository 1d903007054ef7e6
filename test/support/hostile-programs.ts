/**
 * Hostile programs, as source, for both runtimes: the worker tests (the Worker Loader inside
 * workerd) and the dev line's (the local sandbox runtime over real HTTP) run the same ones.
 */

/**
 * A module answering with this status, these headers and this body, whatever it is asked; an empty
 * body is none at all (a 304 may not have one).
 */
export function answering(status: number, headers: Record<string, string>, body = "hi"): string {
  const text = body === "" ? "null" : JSON.stringify(body);
  return `export default { fetch() { return new Response(${text}, { status: ${status}, headers: ${JSON.stringify(headers)} }) } };`;
}

/** Headers a browser acts on, or that are ours: none may reach the visitor as the program set them. */
export const HOSTILE_HEADERS: Readonly<Record<string, string>> = {
  "set-cookie": "promptlog_visitor=00000000-0000-4000-8000-000000000000; Path=/",
  "clear-site-data": '"cookies", "storage"',
  refresh: "0; url=https://evil.example/",
  "strict-transport-security": "max-age=63072000; includeSubDomains; preload",
  "access-control-allow-origin": "https://evil.example",
  "access-control-allow-credentials": "true",
  "service-worker-allowed": "/",
  "x-run-id": "forged",
  "x-promptlog-outcome": "ok",
  "x-frame-options": "ALLOWALL",
  "content-security-policy": "script-src *",
  link: "<https://evil.example/>; rel=preload",
  "x-content-type-options": "sniff",
};

/** Headers we set ourselves on every answer (checked apart). */
export const OUR_HEADERS = ["x-run-id", "content-security-policy", "x-content-type-options", "set-cookie"];

/**
 * A module that counts its runs in STORE, then redirects with this status to `location`; asked
 * with ?count, it answers the count instead.
 */
export function redirecting(status: number, location: string): string {
  return `export default {
  async fetch(request, env) {
    if (new URL(request.url).searchParams.has("count")) return Response.json(await env.STORE.get("runs"));
    await env.STORE.put("runs", ((await env.STORE.get("runs")) ?? 0) + 1);
    return new Response(null, { status: ${status}, headers: { location: ${JSON.stringify(location)} } });
  },
};`;
}

/** A module whose answer can never come. */
export const NEVER_ANSWERS = "export default { fetch() { return new Promise(() => {}) } };";

/** A module whose body never ends. */
export const ENDLESS_BODY = `export default { fetch() {
  const chunk = new Uint8Array(64 * 1024);
  return new Response(new ReadableStream({ pull(controller) { controller.enqueue(chunk); } }));
} };`;

/** A module whose body is open but sends no byte for an hour (a timer keeps it from looking hung). */
export const SILENT_BODY = `export default { fetch() {
  return new Response(new ReadableStream({ pull() { return new Promise((resolve) => setTimeout(resolve, 3_600_000)); } }));
} };`;

/** A module streaming `count` chunks of `size` bytes ("a", "b", …), all at once, then closing. */
export const chunked = (count: number, size: number) => `export default { fetch() {
  const encoder = new TextEncoder();
  return new Response(new ReadableStream({ start(controller) {
    for (let n = 0; n < ${count}; n++) controller.enqueue(encoder.encode(String.fromCharCode(97 + (n % 26)).repeat(${size})));
    controller.close();
  } }));
} };`;

/** A module whose body trickles, a byte every 200 ms, forever. */
export const TRICKLING_BODY = `export default { fetch() {
  return new Response(new ReadableStream({ async pull(controller) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.enqueue(new TextEncoder().encode("."));
  } }));
} };`;

/** A module calling env.STORE 1,000 times in one run, answering how many calls went through. */
export const STORE_LOOP = `export default { async fetch(request, env) {
  let calls = 0;
  try {
    for (let i = 0; i < 1000; i++) { await env.STORE.get("k"); calls++; }
    return Response.json({ calls, error: null });
  } catch (error) {
    return Response.json({ calls, error: error.message });
  }
} };`;
