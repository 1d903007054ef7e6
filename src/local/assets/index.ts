/**
 * What Cloudflare does in front of the app, for the local app server (bun dev): a GET for a file in
 * public/ is answered from disk, with its content type (static assets; not on the run origin, which
 * has no PUBLIC); anything else goes to the app. A client's CF-Connecting-IP is dropped: Cloudflare
 * sets it, and locally nobody may choose their own (it keys the rate limits).
 */
interface AssetsEnv {
  readonly PUBLIC?: Fetcher;
  readonly APP: Fetcher;
}

const CONTENT_TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  map: "application/json; charset=utf-8",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  txt: "text/plain; charset=utf-8",
  html: "text/html; charset=utf-8",
  json: "application/json; charset=utf-8",
  woff2: "font/woff2",
};

/** What scripts/build-client.ts writes: a name, a dash, esbuild's 8-character content hash. */
const HASHED_NAME = /^\/assets\/[\w.-]+-[A-Z0-9]{8}\.[\w.]+$/;
const COMPRESSIBLE = new Set(["css", "js", "map", "svg", "txt", "html", "json"]);

function acceptedEncoding(request: Request): "br" | "gzip" | null {
  const accepted = request.headers.get("accept-encoding") ?? "";
  if (/\bbr\b/.test(accepted)) return "br";
  return /\bgzip\b/.test(accepted) ? "gzip" : null;
}

/** Methods a worker can be asked with at all; CONNECT and TRACE never reach one on Cloudflare. */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export default {
  async fetch(request: Request, env: AssetsEnv): Promise<Response> {
    if (!METHODS.has(request.method)) {
      const allow = [...METHODS].join(", ");
      return Response.json(
        { error: { code: "method_not_allowed", message: `${request.method} is not served here.` } },
        { status: 405, headers: { allow } },
      );
    }
    const { pathname } = new URL(request.url);
    const extension = /\.([a-z0-9]+)$/i.exec(pathname)?.[1]?.toLowerCase();
    const type = extension ? CONTENT_TYPES[extension] : undefined;
    if (env.PUBLIC && (request.method === "GET" || request.method === "HEAD") && type && !pathname.includes("..")) {
      const file = await env.PUBLIC.fetch(new Request(new URL(pathname, "http://public/"), { method: request.method }));
      if (file.ok) {
        const headers = new Headers(file.headers);
        headers.set("content-type", type);
        // As Cloudflare serves assets: a content-hashed name never changes what it names, so it is
        // kept for good; anything else is asked about again. Text goes compressed (workerd encodes
        // the body as the content-encoding header says).
        headers.set("cache-control", HASHED_NAME.test(pathname) ? "public, max-age=31536000, immutable" : "no-cache");
        const encoding = COMPRESSIBLE.has(extension ?? "") ? acceptedEncoding(request) : null;
        if (encoding) {
          headers.set("content-encoding", encoding);
          headers.delete("content-length");
          headers.append("vary", "accept-encoding");
        }
        return new Response(file.body, { status: 200, headers });
      }
    }
    const headers = new Headers(request.headers);
    headers.delete("cf-connecting-ip");
    return env.APP.fetch(new Request(request, { headers }));
  },
};
