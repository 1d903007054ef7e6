import type { Outcome } from "../base/answers";
import type { ErrorCode } from "../base/errors";

/** "error" is for runs the program never got to: no loader, or a fault of ours. */
export function outcomeOf(code: ErrorCode | undefined): Outcome {
  switch (code) {
    case undefined:
      return "ok";
    case "program_exception":
    case "no_response":
    case "result_not_json":
      return "exception";
    case "limit_exceeded":
    case "run_timeout":
      return "limit";
    case "load_error":
      return "load_error";
    default:
      return "error";
  }
}
