/**
 * The runner logs this, with the run's id, before it calls the program: the tail then knows which
 * run each invocation's logs belong to, even when runs of one warm isolate overlap. It is dropped
 * from what the user sees, in records and in the terminal.
 */
export const RUN_MARKER = "\u2063promptlog-run";
