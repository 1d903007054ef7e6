import type { NewRun } from "./prompt-log";

/** How long a visitor's runs gather before they go to their history together. */
const BATCH_MS = 20;
/** A batch this large starts its successor; it still goes at its time. */
const BATCH_MAX = 64;

/** Runs gathering in this isolate, by visitor. */
const gathering = new Map<string, NewRun[]>();

/**
 * Adds a run to its visitor's history in a batch: a busy visitor (an agent, a load test) costs its
 * PromptLog one request and one storage commit per BATCH_MS, not one per run. The run that opens a
 * batch sends it, from its own request's waitUntil, so no request waits on I/O of another's; the
 * others only add plain data to it. Answers when the run is on its way (for the batch's opener,
 * written).
 */
export function addToHistory(
  history: { record(runs: readonly NewRun[]): Promise<void> },
  visitorId: string,
  run: NewRun,
): Promise<void> {
  const open = gathering.get(visitorId);
  if (open) {
    open.push(run);
    if (open.length >= BATCH_MAX) gathering.delete(visitorId);
    return Promise.resolve();
  }
  const runs = [run];
  gathering.set(visitorId, runs);
  return new Promise<void>((resolve) => setTimeout(resolve, BATCH_MS)).then(() => {
    if (gathering.get(visitorId) === runs) gathering.delete(visitorId);
    return history.record(runs);
  });
}
