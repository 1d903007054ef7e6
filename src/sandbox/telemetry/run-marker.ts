/**
 * The runner logs this, with the run's id, before it calls the program: the tail then knows which
 * run each invocation's logs belong to, even when runs of one warm isolate overlap. It is dropped
 * from what the user sees, in records and in the terminal.
 */
export const RUN_MARKER = "\u2063promptlog-run";

/**
 * The run id of a load (a prepare), which loads a program's isolate with our tail (the one a
 * visitor's runs use). The runner prints the marker with it too, as a load ends: an isolate's first
 * console line costs about 0.4 ms of CPU more than later ones (measured in raw workerd), and it is
 * paid there instead of by the program's first run. A load's trace is nobody's: the tail drops it.
 */
export const PREPARE_RUN = "prepare";
