import { WorkerEntrypoint } from "cloudflare:workers";
import { Schema } from "effect";
import { decodeOrFail } from "../../base/decode";
import { STORE_MAX_KEY_LENGTH } from "../../config/limits";

/**
 * env.STORE as a program sees it: get, put, delete and list on its own keys. Shared by the
 * production capability (StoreAccess) and the local sandbox runtime's, so both check the same way.
 */
/** What a program sees when it goes past a quota: the message says which. */
export class StoreQuotaError extends Error {
  override readonly name = "StoreQuotaError";
}

const Key = Schema.String.check(
  Schema.isMinLength(1, { message: "STORE keys are non-empty strings" }),
  Schema.isMaxLength(STORE_MAX_KEY_LENGTH, { message: `STORE keys are at most ${STORE_MAX_KEY_LENGTH} characters` }),
);

/** One operation on one program's data, as StoreAccess (or the local runtime, over HTTP) asks for it. */
export const StoreOp = Schema.Union([
  Schema.Struct({ op: Schema.Literal("get"), key: Key }),
  Schema.Struct({ op: Schema.Literal("put"), key: Key, value: Schema.String }),
  Schema.Struct({ op: Schema.Literal("delete"), key: Key }),
  Schema.Struct({ op: Schema.Literal("list") }),
]);
export type StoreOp = typeof StoreOp.Type;

export function keyOf(key: unknown): string {
  try {
    return decodeOrFail(Key, key, "invalid_request", "STORE key");
  } catch (error) {
    throw new TypeError((error as Error).message);
  }
}

export function encodeValue(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError("STORE values must be JSON: use null, not undefined or a function");
  return text;
}

/** How one program's data is reached, for one run (each run's calls are counted). */
export interface StoreBackend {
  apply(op: StoreOp): Promise<{ value?: string | null; keys?: string[] }>;
}

/** Who is calling: the program (its hash) and the run. */
export interface StoreCaller {
  readonly hash: string;
  readonly runId: string;
}

/** The methods a program calls; each one a single operation on its own data. */
async function storeGet(backend: StoreBackend, key: unknown): Promise<unknown> {
  const { value } = await backend.apply({ op: "get", key: keyOf(key) });
  return value == null ? null : JSON.parse(value);
}

async function storePut(backend: StoreBackend, key: unknown, value: unknown): Promise<void> {
  await backend.apply({ op: "put", key: keyOf(key), value: encodeValue(value) });
}

async function storeDelete(backend: StoreBackend, key: unknown): Promise<void> {
  await backend.apply({ op: "delete", key: keyOf(key) });
}

async function storeList(backend: StoreBackend): Promise<string[]> {
  return (await backend.apply({ op: "list" })).keys ?? [];
}

/**
 * The env.STORE entrypoint for one way of reaching programs' data (this worker's Durable Objects,
 * or the app over HTTP from the local sandbox runtime). Its props name the program's own hash
 * (attenuation) and the run (each run's calls are bounded). How the data is reached stays a function
 * outside the class, because Workers RPC exposes every public method and getter of an entrypoint to
 * the program holding it.
 */
export function storeEntrypoint<E>(backendFor: (env: E, caller: StoreCaller) => StoreBackend) {
  return class StoreEntrypoint extends WorkerEntrypoint<E, StoreCaller> {
    get(key: unknown) {
      return storeGet(backendFor(this.env, this.ctx.props), key);
    }

    put(key: unknown, value: unknown) {
      return storePut(backendFor(this.env, this.ctx.props), key, value);
    }

    delete(key: unknown) {
      return storeDelete(backendFor(this.env, this.ctx.props), key);
    }

    list() {
      return storeList(backendFor(this.env, this.ctx.props));
    }
  };
}
