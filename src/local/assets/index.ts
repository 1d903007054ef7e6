/**
 * What Cloudflare's static assets do in front of the app, for the local app server (bun dev): a GET
 * for a file in public/ is answered from disk, with its content type; anything else goes to the app.
 */
interface AssetsEnv {
  readonly PUBLIC: Fetcher;
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

export default {
  async fetch(request: Request, env: AssetsEnv): Promise<Response> {
    const { pathname } = new URL(request.url);
    const extension = /\.([a-z0-9]+)$/i.exec(pathname)?.[1]?.toLowerCase();
    const type = extension ? CONTENT_TYPES[extension] : undefined;
    if ((request.method === "GET" || request.method === "HEAD") && type && !pathname.includes("..")) {
      const file = await env.PUBLIC.fetch(new Request(new URL(pathname, "http://public/"), { method: request.method }));
      if (file.ok) {
        const headers = new Headers(file.headers);
        headers.set("content-type", type);
        headers.set("cache-control", "no-cache");
        return new Response(file.body, { status: 200, headers });
      }
    }
    return env.APP.fetch(request);
  },
};
