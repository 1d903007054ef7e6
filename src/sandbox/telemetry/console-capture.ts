import type { LogEntry, LogLevel, RunConsole } from "../../base/answers";
import { MAX_LOG_BYTES, MAX_LOG_ENTRIES } from "../../config/limits";
import { PREPARE_RUN, RUN_MARKER } from "./run-marker";

export const EMPTY_CONSOLE: RunConsole = { logs: [], exceptions: [], truncated: false };

const LEVELS = new Set<string>(["log", "info", "warn", "error", "debug"]);

/** Logged values as a person reads them: strings as they are, everything else as JSON. */
export function renderValues(values: unknown): string {
  const parts = Array.isArray(values) ? values : [values];
  return parts
    .map((value) => {
      if (typeof value === "string") return value;
      if (value === undefined) return "undefined";
      try {
        return JSON.stringify(value) ?? String(value);
      } catch {
        return String(value);
      }
    })
    .join(" ");
}

/** One invocation's trace, as the run it belongs to and what it printed; null when it is not a run. */
export function captureRun(item: TraceItem): { runId: string; console: RunConsole } | null {
  const markerIndex = item.logs.findIndex(
    (log) => Array.isArray(log.message) && log.message[0] === RUN_MARKER && typeof log.message[1] === "string",
  );
  const marker = item.logs[markerIndex];
  if (!marker) return null;
  const runId = String((marker.message as unknown[])[1]);
  if (runId === PREPARE_RUN) return null;
  const logs: LogEntry[] = [];
  let bytes = 0;
  let truncated = item.truncated;
  for (const log of item.logs.slice(markerIndex + 1)) {
    const message = renderValues(log.message);
    if (logs.length >= MAX_LOG_ENTRIES || bytes + message.length > MAX_LOG_BYTES) {
      truncated = true;
      break;
    }
    bytes += message.length;
    logs.push({ level: LEVELS.has(log.level) ? (log.level as LogLevel) : "log", message, at: log.timestamp });
  }
  const exceptions = item.exceptions.map((exception) => ({
    name: exception.name,
    message: exception.message,
    stack: exception.stack ?? "",
  }));
  return { runId, console: { logs, exceptions, truncated } };
}
