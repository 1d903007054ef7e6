import { programDataFor } from "./program-data";
import { storeEntrypoint } from "./store-api";

/**
 * env.STORE, handed to a program as a stub whose props name its own hash: the program can reach its
 * own keys and nothing else of ours, and never sees where or how they are kept.
 */
export class StoreAccess extends storeEntrypoint<Env>((env, { hash, runId }) => {
  const data = programDataFor(env, hash);
  return { apply: (op) => data.apply(op, runId) };
}) {}
