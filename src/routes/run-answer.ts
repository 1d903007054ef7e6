import type { RunConsole } from "../base/answers";
import { ERROR_STATUS, type ErrorBody } from "../base/errors";
import { outcomeOf } from "../record/outcome";
import type { RunDone } from "./run";

const BROKEN_ANSWER: ErrorBody = {
  code: "internal_error",
  message: "The program's answer failed before it ended (its isolate went away).",
};

/** What a JSON answer about one run says, before the route adds what it ran (a prompt, a call). */
export interface RunSummary {
  readonly runId: string;
  readonly status: number;
  readonly outcome: ReturnType<typeof outcomeOf>;
  readonly console: RunConsole | null;
  readonly error?: ErrorBody;
  readonly durationMs: number;
  readonly cold: boolean | null;
  /** The answer's text, up to the cap, and its content type; null when the run ended in our error. */
  readonly output: { readonly text: string; readonly truncated: boolean; readonly contentType: string | null } | null;
  /** The HTTP status of our answer: 200 when the program answered, our error's status when not. */
  readonly httpStatus: number;
}

/**
 * A run, read into JSON for an agent: the program's answer as text (cut at `maxBytes`, and marked),
 * the console the run printed (it follows the answer by milliseconds, and is waited for), and our
 * error with its code, status and the user's own location. The run's history entry is written as
 * for any run: reading stops at the cap, so the rest of the answer is never read.
 */
export async function summarizeRun(run: RunDone, maxBytes: number): Promise<RunSummary> {
  let output: RunSummary["output"] = null;
  let failure: ErrorBody | null = run.result.error;
  if (run.result.response) {
    const read = await readCapped(run.response, maxBytes);
    // A body cut at a response limit (its stream fails) is that limit's error, as for /run.
    failure = read.failed ? ((await run.ended) ?? BROKEN_ANSWER) : null;
    output = { text: read.text, truncated: read.truncated, contentType: run.response.headers.get("content-type") };
  }
  const trace = run.result.cold === null ? null : await run.trace().catch(() => null);
  const error = failure ?? trace?.error ?? null;
  return {
    runId: run.id,
    status: failure ? ERROR_STATUS[failure.code] : run.response.status,
    outcome: outcomeOf(error?.code),
    console: trace?.console ?? null,
    ...(error ? { error } : {}),
    durationMs: run.durationMs,
    cold: run.result.cold,
    output: failure ? null : output,
    httpStatus: failure ? ERROR_STATUS[failure.code] : 200,
  };
}

/**
 * At most `maxBytes` of a body, as UTF-8 text (a character cut in half at the cap is left out), and
 * whether there was more. The rest is never read: the stream is cancelled.
 */
export async function readCapped(
  response: Response,
  maxBytes: number,
): Promise<{ text: string; truncated: boolean; failed: boolean }> {
  if (!response.body) return { text: "", truncated: false, failed: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { text: text + decoder.decode(), truncated: false, failed: false };
      if (bytes + value.byteLength > maxBytes) {
        text += decoder.decode(value.subarray(0, maxBytes - bytes), { stream: true });
        await reader.cancel("read up to the cap").catch(() => {});
        return { text, truncated: true, failed: false };
      }
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
    }
  } catch {
    return { text, truncated: true, failed: true };
  }
}
