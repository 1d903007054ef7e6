import { Gathering } from "../base/gathering";
import type { NewRun } from "./prompt-log";

/** How long a visitor's runs gather before they go to their history together. */
const BATCH_MS = 20;
/** A batch this large starts its successor. */
const BATCH_MAX = 64;

/** Runs gathering in this isolate, by visitor. */
const gathering = new Gathering<NewRun>(BATCH_MS, BATCH_MAX);

/**
 * Adds a run to its visitor's history in a batch: a busy visitor (an agent, a load test) costs its
 * PromptLog one request and one storage commit per BATCH_MS, not one per run. Answers when the run is
 * on its way (for the batch's opener, written).
 */
export function addToHistory(
  history: { record(runs: readonly NewRun[]): Promise<void> },
  visitorId: string,
  run: NewRun,
): Promise<void> {
  return gathering.add(visitorId, run, (runs) => history.record(runs));
}
