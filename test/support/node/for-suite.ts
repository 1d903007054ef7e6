import { afterAll, beforeAll } from "vitest";

/** What a test file keeps running for all its tests (a dev line, a browser). */
export interface SuiteResource<T> {
  /** The running thing; fails plainly when asked before it started (or when it failed to). */
  get(): T;
  /** The running thing, or undefined before it started. */
  ifStarted(): T | undefined;
}

/**
 * Starts something before a file's tests and stops it after them. Register it before the file's own
 * hooks: they run after it has started.
 */
export function forSuite<T>(
  what: string,
  start: () => Promise<T>,
  stop: (running: T) => Promise<void>,
): SuiteResource<T> {
  let running: T | undefined;
  beforeAll(async () => {
    running = await start();
  }, 120_000);
  afterAll(async () => {
    if (running !== undefined) await stop(running);
  });
  return {
    get() {
      if (running === undefined) throw new Error(`${what} has not started`);
      return running;
    },
    ifStarted: () => running,
  };
}
