import type { RunResult } from "./api";

interface ErrorBody {
  error?: { code?: string; message?: string; limit?: string };
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
  switch (error?.code) {
    case "limit_exceeded":
      return error.limit === "memory"
        ? "Your program used more memory than an isolate may (128 MB) and was stopped. Look for data that grows without end."
        : "Your program used more CPU time than a run may and was stopped. Look for an endless loop, or do less work per run.";
    case "run_timeout":
      return "Your program did not answer within 30 seconds. Make sure every path returns a Response (or a value).";
    case "load_error":
      return "Your program could not load: it has a syntax error, or a module without a default export with fetch(). The marked line shows where.";
    case "program_exception":
      return "Your program threw an error. The marked line shows where; the Console tab shows what it printed first.";
    case "rate_limited":
      return "Too many submits or runs in the last minute from here. Wait a minute and run again.";
    case "loader_unavailable":
      return "This deployment cannot run programs: it has no Worker Loader.";
    case "code_too_large":
    case "prompt_too_large":
    case "body_too_large":
      return error.message ?? "Too large.";
    default:
      return error?.message ?? null;
  }
}
