/** The playground's calls to our own HTTP API. */
import type { HistoryAnswer, HistoryEntry, LogEntry, ProgramAnswer, RunRecord, SubmitAnswer } from "../base/answers";
import type { ProgramSource } from "./files";

export type { HistoryEntry, LogEntry, ProgramAnswer, RunRecord, SubmitAnswer };

export interface RunResult {
  readonly status: number;
  readonly ok: boolean;
  readonly contentType: string;
  readonly body: string;
  readonly ms: number;
  /** x-run-id, for runs; null for a failed submit. */
  readonly runId: string | null;
  /** The run's own URL (with its prompt) when it was a GET, so it can be asked again elsewhere. */
  readonly getUrl: string | null;
  readonly headers: [string, string][];
}

async function asResult(response: Response, started: number, getUrl: string | null = null): Promise<RunResult> {
  const body = await response.text();
  return {
    status: response.status,
    ok: response.ok,
    contentType: response.headers.get("content-type") ?? "",
    body,
    ms: Math.round(performance.now() - started),
    runId: response.headers.get("x-run-id"),
    getUrl,
    headers: [...response.headers],
  };
}

/** Submits the program; answers the stored program, or the failed response as a RunResult. */
export async function submit(
  source: ProgramSource,
  mode: string,
  signal?: AbortSignal,
): Promise<SubmitAnswer | RunResult> {
  const started = performance.now();
  const response = await fetch("/submit", {
    method: "POST",
    signal: signal ?? null,
    headers: { "content-type": "application/json" },
    // Several files are a module: the mode applies to one file only.
    body: JSON.stringify(mode && "code" in source ? { ...source, mode } : source),
  });
  if (!response.ok) return asResult(response, started);
  return (await response.json()) as SubmitAnswer;
}

/** The run's request: GET with the prompt, or POST with a body (JSON when it parses as JSON). */
export function runRequest(url: string, prompt: string, body: string): { url: string; init: RequestInit } {
  const target = `${url}?prompt=${encodeURIComponent(prompt)}`;
  if (body.trim() === "") return { url: target, init: {} };
  return { url: target, init: { method: "POST", headers: { "content-type": bodyType(body) }, body } };
}

export function bodyType(body: string): string {
  try {
    JSON.parse(body);
    return "application/json";
  } catch {
    return "text/plain; charset=utf-8";
  }
}

export async function run(url: string, prompt: string, body: string, signal?: AbortSignal): Promise<RunResult> {
  const started = performance.now();
  const request = runRequest(url, prompt, body);
  const response = await fetch(request.url, { ...request.init, signal: signal ?? null });
  return asResult(response, started, request.init.method === "POST" ? null : request.url);
}

export async function history(): Promise<HistoryEntry[]> {
  const response = await fetch("/api/history");
  if (!response.ok) return [];
  return ((await response.json()) as HistoryAnswer).entries;
}

export async function clearHistory(): Promise<boolean> {
  return (await fetch("/api/history", { method: "DELETE" })).ok;
}

export async function program(hash: string): Promise<ProgramAnswer | null> {
  const response = await fetch(`/api/programs/${hash}`);
  return response.ok ? ((await response.json()) as ProgramAnswer) : null;
}

/** A run's record as it is now, or null; for a history entry, whose console arrived long ago. */
export async function storedRecord(id: string): Promise<RunRecord | null> {
  const response = await fetch(`/api/runs/${encodeURIComponent(id)}`);
  return response.ok ? ((await response.json()) as RunRecord) : null;
}

/** The run's record once its console has arrived (the tail reports just after the run); null if it never does. */
export async function runRecord(id: string): Promise<RunRecord | null> {
  let record: RunRecord | null = null;
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await fetch(`/api/runs/${id}`);
    if (response.ok) {
      record = (await response.json()) as RunRecord;
      if (record.consoleReady) return record;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return record;
}
