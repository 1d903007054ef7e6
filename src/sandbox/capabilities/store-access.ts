import { programDataFor } from "./program-data";
import { storeEntrypoint } from "./store-api";

/**
 * env.STORE, handed to each run as a stub whose props name the program's own hash and the run: the
 * program can reach its own keys and nothing else of ours, never sees where or how they are kept,
 * and each run's calls are counted.
 */
export class StoreAccess extends storeEntrypoint<Env>((env, { hash, runId }) => {
  const data = programDataFor(env, hash);
  return { apply: (op) => data.apply(op, runId) };
}) {}
