// For the per-run counts: the app's entry wrapped so that every call the runtime makes into it is
// counted inside its own isolate (workerd runs a worker's Durable Objects in that isolate too): each
// fetch of the Worker, each method call on each Durable Object and exported entrypoint (an RPC call on
// a stub is one call here, and one billed request on Cloudflare), each use of the Worker Loader and
// each call into a program's isolate; and, per Durable Object class, the rows its SQL statements
// wrote and read (the runtime's own cursor.rowsWritten and rowsRead, what Cloudflare bills) and the
// alarms it set (billed as a row written each). GET /__bench/counts answers the counts. Only the counting server is built from
// it, never one that is timed.

/** The wrapper's source: esbuild bundles it (as stdin) with the app entry it imports. */
export function countingEntry(appEntry: string, durableClasses: readonly string[]): string {
  const from = JSON.stringify(appEntry);
  // Named exports shadow those of \`export *\`: the classes workerd instantiates are the counting ones.
  const DURABLE_EXPORTS = durableClasses
    .map((name) => `const ${name}$counted = counted.${name};\nexport { ${name}$counted as ${name} };`)
    .join("\n");
  return `
import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
import app from ${from};
export * from ${from};
import * as entry from ${from};

const counts = new Map();
const count = (key, n = 1) => {
  if (n > 0) counts.set(key, (counts.get(key) ?? 0) + n);
};
const bases = new Set([DurableObject.prototype, WorkerEntrypoint.prototype, Object.prototype]);

// Every method of every exported class, on each prototype up to the runtime's own base class.
for (const [name, value] of Object.entries(entry)) {
  if (typeof value !== "function" || name === "default") continue;
  for (let proto = value.prototype; proto && !bases.has(proto); proto = Object.getPrototypeOf(proto)) {
    for (const key of Object.getOwnPropertyNames(proto)) {
      const descriptor = Object.getOwnPropertyDescriptor(proto, key);
      if (key === "constructor" || typeof descriptor.value !== "function") continue;
      const original = descriptor.value;
      Object.defineProperty(proto, key, {
        ...descriptor,
        value: function (...args) {
          count(name + "." + key);
          return original.apply(this, args);
        },
      });
    }
  }
}

/** Rows written by each SQL statement and alarms set, in the Durable Object's own storage. */
let constructing = null;
function countStorage(storage, name) {
  const sql = storage.sql;
  const exec = sql.exec.bind(sql);
  sql.exec = (query, ...bindings) => {
    const cursor = exec(query, ...bindings);
    // A writing statement has run by now; a reading one writes nothing. A new object's schema (its
    // migrations, in its constructor) is counted apart: it is paid once per object, not per run.
    const schema = constructing === name;
    if (cursor.rowsWritten > 0) {
      count(name + (schema ? ": rows written for a new object's schema" : ": rows written"), cursor.rowsWritten);
    }
    // Rows read grow as a reading statement's rows are taken (the app takes them with toArray or one).
    const read = schema ? ": rows read by its constructor (schema check)" : ": rows read";
    let reported = cursor.rowsRead;
    count(name + read, reported);
    for (const method of ["toArray", "one"]) {
      const original = cursor[method].bind(cursor);
      cursor[method] = (...args) => {
        const result = original(...args);
        count(name + read, cursor.rowsRead - reported);
        reported = cursor.rowsRead;
        return result;
      };
    }
    return cursor;
  };
  const setAlarm = storage.setAlarm.bind(storage);
  storage.setAlarm = (...args) => {
    count(name + ": alarms set");
    return setAlarm(...args);
  };
}

/** The Durable Object classes, each made to count its storage from its constructor (its migrations) on. */
const counted = {};
for (const [name, value] of Object.entries(entry)) {
  if (typeof value !== "function" || !(value.prototype instanceof DurableObject)) continue;
  counted[name] = class extends value {
    constructor(ctx, env) {
      countStorage(ctx.storage, name);
      constructing = name;
      try {
        super(ctx, env);
      } finally {
        constructing = null;
      }
    }
  };
}
${DURABLE_EXPORTS}

/** A program's stub: each call into its isolate counted. */
function countedStub(stub) {
  return new Proxy(stub, {
    get(target, key) {
      const value = target[key];
      if (typeof value !== "function" || key === "then") return value;
      // Called as a method of the stub itself: on an RPC stub, value.apply would be a remote call of "apply".
      return (...args) => {
        count("program isolate." + String(key));
        return target[key](...args);
      };
    },
  });
}

function countedWorker(worker) {
  return {
    getEntrypoint: (...args) => countedStub(worker.getEntrypoint(...args)),
  };
}

const loaders = new WeakMap();
/** The same env object for the same env (the app keeps per-env state), its LOADER counted. */
function countedEnv(env) {
  if (!env.LOADER) return env;
  let counted = loaders.get(env);
  if (!counted) {
    const loader = env.LOADER;
    counted = {
      ...env,
      LOADER: {
        get(id, code) {
          count("Worker Loader.get");
          return countedWorker(loader.get(id, () => {
            count("Worker Loader.get (isolate built)");
            return code();
          }));
        },
        load(code) {
          count("Worker Loader.load");
          return countedWorker(loader.load(code));
        },
      },
    };
    loaders.set(env, counted);
  }
  return counted;
}

export default {
  fetch(request, env, ctx) {
    if (new URL(request.url).pathname === "/__bench/counts") return Response.json(Object.fromEntries(counts));
    count("Worker.fetch");
    return app.fetch(request, countedEnv(env), ctx);
  },
};
`;
}

/**
 * Calls by "<class, Worker, Worker Loader or program isolate>.<method>"; storage writes by
 * "<class>: rows written" (and ": alarms set", ": rows written for a new object's schema").
 */
export type Counts = Record<string, number>;

export async function readCounts(origin: string): Promise<Counts> {
  return (await (await fetch(`${origin}/__bench/counts`)).json()) as Counts;
}

/** What `after` has that `before` had not. */
export function countsSince(before: Counts, after: Counts): Counts {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, value]) => [key, value - (before[key] ?? 0)] as const)
      .filter(([, value]) => value > 0),
  );
}
