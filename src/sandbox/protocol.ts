/**
 * The local sandbox runtime's answer carries this header: "ok" for the program's own (hardened)
 * response, "error" for one of our JSON errors. The main worker removes it before answering.
 */
export const OUTCOME_HEADER = "x-promptlog-outcome";
export const EXECUTE_PATH = "/execute";
export const HEALTH_PATH = "/health";
