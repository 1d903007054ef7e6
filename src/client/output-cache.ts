import type { RunResult } from "./api";

/**
 * The responses of this browser's recent runs, by run id, so a history entry brings back its own
 * output: the server keeps each run's record and console, not the response body.
 */
export interface KeptRun {
  readonly result: RunResult;
  /** The POST body the run was sent with ("" for a GET). */
  readonly body: string;
}

const KEY = "promptlog.outputs";
const KEEP = 20;
/** Past this a body is cut: local storage is small and shared with the draft. */
const MAX_BODY = 32 * 1024;

function readAll(): Record<string, KeptRun> {
  try {
    const all = JSON.parse(localStorage.getItem(KEY) ?? "{}") as unknown;
    return all && typeof all === "object" ? (all as Record<string, KeptRun>) : {};
  } catch {
    return {};
  }
}

export function keepRun(run: KeptRun) {
  const id = run.result.runId;
  if (!id) return;
  const result =
    run.result.body.length > MAX_BODY ? { ...run.result, body: run.result.body.slice(0, MAX_BODY) } : run.result;
  const all = { ...readAll(), [id]: { ...run, result } };
  const ids = Object.keys(all);
  for (const old of ids.slice(0, Math.max(0, ids.length - KEEP))) delete all[old];
  try {
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // Storage full or switched off: history entries then show their record without the body.
  }
}

export function keptRun(id: string): KeptRun | null {
  const run = readAll()[id];
  return run && typeof run.result?.body === "string" ? run : null;
}
