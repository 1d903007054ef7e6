/**
 * The methods a path is served with, from the app's own route table (Hono's `app.routes`), so a
 * known path asked with another method answers 405 with Allow instead of 404. Middleware (method
 * "ALL") serves no path by itself and is left out.
 */
export function allowedMethods(routes: readonly { method: string; path: string }[], pathname: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    if (pattern(route.path).test(pathname)) methods.add(route.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

const patterns = new Map<string, RegExp>();

/** "/run/:hash" as a regular expression: each :param is one path segment. */
function pattern(path: string): RegExp {
  let compiled = patterns.get(path);
  if (!compiled) {
    const source = path
      .split("/")
      .map((segment) => (segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
      .join("/");
    compiled = new RegExp(`^${source}$`);
    patterns.set(path, compiled);
  }
  return compiled;
}
