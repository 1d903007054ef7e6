/**
 * What a program sees besides the Workers runtime's globals, as declarations for the language
 * service. They mirror the runners in src/sandbox/runner-source.ts and env.STORE in
 * src/sandbox/capabilities/store-api.ts; the browser bundle may not import those, so a change there
 * is a change here too.
 */

/** A snippet runs as `async function (prompt) { let result; … return result }`. */
export const SNIPPET_GLOBALS = `
/** The run's prompt: the run URL's ?prompt=, or "" when there is none. */
declare const prompt: string;
/**
 * The snippet's answer, if it does not return one: sent as JSON (a Response is sent as it is).
 * A \`const result\` of your own is yours; a bare \`result = …\` sets this one.
 */
declare var result: unknown;
`;

/** A module's fetch(request, env): env holds the program's own STORE and nothing else. */
export const MODULE_GLOBALS = `
/** A program's own key-value data, kept between runs: JSON values, at most 100 calls a run. */
interface Store {
  /** The value stored under key (parsed from JSON), or null. */
  get<T = unknown>(key: string): Promise<T | null>;
  /** Stores value (it must be JSON: null, not undefined or a function) under key. */
  put(key: string, value: unknown): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key the program has stored. */
  list(): Promise<string[]>;
}
/** The env a module's fetch(request, env) receives. */
interface Env {
  readonly STORE: Store;
}
`;
