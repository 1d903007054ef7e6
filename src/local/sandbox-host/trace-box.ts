import type { EgressEntry, RunConsole } from "../../base/answers";
import { KeyedWaiters } from "../../base/waiters";
import { LOG_WAIT_MS } from "../../config/limits";
import type { RunTrace } from "../../sandbox/sandbox";
import type { TraceSink } from "../../sandbox/telemetry/trace-sink";

// Each run's console (from the tail) and egress (from the gateway), until the app collects them
// (GET /logs/<run id>). In memory: this runtime may be replaced at any time, and a lost console is
// recorded as incomplete.
const MAX_KEPT = 1_000;
const consoles = new Map<string, RunConsole>();
const egress = new Map<string, EgressEntry[]>();
const waiting = new KeyedWaiters<RunConsole>();

/** The sandbox runtime's trace sink, for its tail and its egress gateway. */
export const traceBox: TraceSink = {
  putConsole(runId, console) {
    if (waiting.deliver(runId, console)) return;
    if (consoles.size >= MAX_KEPT) consoles.delete(consoles.keys().next().value ?? "");
    if (egress.size >= MAX_KEPT) egress.delete(egress.keys().next().value ?? "");
    consoles.set(runId, console);
  },
  appendEgress(runId, entry) {
    egress.set(runId, [...(egress.get(runId) ?? []), entry]);
  },
};

/** The run's trace, waiting for its console up to LOG_WAIT_MS; taken once. */
export async function takeTrace(runId: string): Promise<RunTrace> {
  const requests = egress.get(runId) ?? [];
  egress.delete(runId);
  const ready = consoles.get(runId);
  consoles.delete(runId);
  return { console: ready ?? (await waiting.wait(runId, LOG_WAIT_MS)), egress: requests };
}
