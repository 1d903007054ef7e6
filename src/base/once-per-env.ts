/**
 * Vars and secrets are fixed for the life of an isolate, so what is derived from them is computed
 * once per env object, not on every request.
 */
export function oncePerEnv<E extends object, T>(derive: (env: E) => T): (env: E) => T {
  const cache = new WeakMap<E, T>();
  return (env) => {
    if (!cache.has(env)) cache.set(env, derive(env));
    return cache.get(env) as T;
  };
}
