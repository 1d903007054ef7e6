import { ApiError } from "../base/errors";

/**
 * Stands in for @cloudflare/worker-bundler in wrangler.prod.jsonc (its alias): the bundler's
 * esbuild-wasm alone is 3.7 MB compressed, over the free plan's 3 MiB, and that deployment cannot run
 * programs anyway. One-file TypeScript still builds there (sucrase).
 */
export async function createWorker(): Promise<never> {
  throw new ApiError(
    "bundler_unavailable",
    "This deployment does not build multi-file programs or npm dependencies; deploy wrangler.jsonc (Workers Paid, with Worker Loader access) for them.",
  );
}

/** Tells bundle-files.ts it stands in for the bundler: a multi-file submit is refused before its npm install. */
export const BUNDLER_UNAVAILABLE = true;
