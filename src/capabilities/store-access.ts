import { WorkerEntrypoint } from "cloudflare:workers";
import type { Env } from "../env";
import { programDataFor } from "./program-data";
import { type StoreBackend, storeDelete, storeGet, storeList, storePut } from "./store-api";

/**
 * env.STORE, handed to a program as a stub whose props name its own hash: attenuation. The program
 * can reach its own keys and nothing else of ours, and never sees where or how they are kept.
 */
export class StoreAccess extends WorkerEntrypoint<Env, { hash: string }> {
  // An ES private method: Workers RPC exposes a class's public methods and getters, never these.
  #backend(): StoreBackend {
    const data = programDataFor(this.env, this.ctx.props.hash);
    return { apply: (op) => data.apply(op) };
  }

  get(key: unknown) {
    return storeGet(this.#backend(), key);
  }

  put(key: unknown, value: unknown) {
    return storePut(this.#backend(), key, value);
  }

  delete(key: unknown) {
    return storeDelete(this.#backend(), key);
  }

  list() {
    return storeList(this.#backend());
  }
}
