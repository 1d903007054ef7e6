/**
 * The local sandbox runtime's answer carries this header: "ok" for the program's own
 * response (the app hardens it), "error" for one of our JSON errors. The app removes it.
 */
export const OUTCOME_HEADER = "x-promptlog-outcome";
export const EXECUTE_PATH = "/execute";
/** POST: load a program's isolate ahead of its first run (204, or our JSON error). */
export const PREPARE_PATH = "/prepare";
export const HEALTH_PATH = "/health";
/** "1" when the program's isolate had run it before, "0" when it was new. */
export const WARM_HEADER = "x-promptlog-warm";
/** GET /logs/<run id>: the run's console, once the runtime's tail has it. */
export const LOGS_PATH = "/logs/";
/** On the app: env.STORE operations of programs running in the local sandbox runtime. */
export const STORE_PATH = "/internal/store";
export const INTERNAL_SECRET_HEADER = "x-promptlog-internal";
/** On /execute and /prepare: the program's hash, so the supervisor can place it without reading the body. */
export const PROGRAM_HEADER = "x-promptlog-program";
