/**
 * Where the language worker's bundle is served. scripts/build-client.ts builds the worker first and
 * gives this module its content-hashed name; unbundled, the unhashed one.
 */
export const LANGUAGE_WORKER_URL = "/assets/language-worker.js";
