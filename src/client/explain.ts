import type { RunResult } from "./api";

interface ErrorBody {
  error?: { code?: string; message?: string; limit?: string; location?: unknown };
}

/** The runtime's and our errors, in words a person can act on; null when the program answered. */
export function explain(result: RunResult): string | null {
  if (result.ok) return null;
  let error: ErrorBody["error"];
  try {
    error = (JSON.parse(result.body) as ErrorBody).error;
  } catch {
    return null;
  }
  // Only an error with a location has a line to mark: the words must not promise one otherwise.
  const where = error?.location ? " The marked line shows where." : "";
  switch (error?.code) {
    case "limit_exceeded":
      return error.limit === "memory"
        ? "Your program used more memory than an isolate may (128 MB) and was stopped. Look for data that grows without end."
        : "Your program used more CPU time than a run may and was stopped. Look for an endless loop, or do less work per run.";
    case "run_timeout":
      return "Your program did not answer within 30 seconds. Make sure every path returns a Response (or a value).";
    case "load_error":
      return `Your program could not load: it has a syntax error, or it is a module without a default export with fetch() (one that only exports functions is called from the Call panel, not run).${where}`;
    case "compile_error":
    case "import_not_found":
      return `Your program could not be built.${where}`;
    case "program_exception":
      return `Your program threw an error.${where} The Console tab shows what it printed first.`;
    case "no_response":
      return "Your program awaited something that never settles, so it never answered.";
    case "rate_limited":
      return "Too many submits or runs in the last minute from here. Wait a minute and run again.";
    case "loader_unavailable":
      return "This deployment cannot run programs: it has no Worker Loader.";
    default:
      return null;
  }
}
