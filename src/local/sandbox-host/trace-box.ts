import type { EgressEntry, RunConsole } from "../../base/answers";
import { Gathering } from "../../base/gathering";
import type { TraceSink } from "../../sandbox/telemetry/trace-sink";
import { INTERNAL_SECRET_HEADER, type PushedTrace, TRACES_PATH } from "../protocol";

/** How long the runtime's traces gather before they go to the supervisor together. */
const PUSH_MS = 4;
/** A batch this large starts its successor. */
const PUSH_MAX = 64;
/** Egress of runs whose console has not come yet: at most this many runs' worth, oldest dropped. */
const MAX_KEPT = 1_000;

/** What the runtime's traces need of its environment: where they go, and the line's secret. */
export interface TraceBoxEnv {
  readonly SUPERVISOR_URL: string;
  readonly INTERNAL_SECRET: string;
}

const egress = new Map<string, EgressEntry[]>();
const gathering = new Gathering<PushedTrace>(PUSH_MS, PUSH_MAX);

/**
 * The sandbox runtime's trace sink, for its tail and its egress gateway. Each run's trace (its console
 * once the tail has it, with the egress gathered meanwhile) goes to the supervisor, which tells its
 * lanes the run is over and passes the trace on to the app: one request per PUSH_MS for every run
 * that ended meanwhile, not one per run (../../base/gathering.ts). Nothing is kept: this runtime may
 * be replaced at any time, and a lost trace is recorded as incomplete.
 */
export function traceBox(env: TraceBoxEnv): TraceSink {
  return {
    putConsole(runId: string, console: RunConsole) {
      const trace: PushedTrace = { runId, console, egress: egress.get(runId) ?? [] };
      egress.delete(runId);
      return gathering.add("", trace, async (batch) => {
        const response = await fetch(new URL(TRACES_PATH, env.SUPERVISOR_URL), {
          method: "POST",
          headers: { "content-type": "application/json", [INTERNAL_SECRET_HEADER]: env.INTERNAL_SECRET },
          body: JSON.stringify({ traces: batch }),
          redirect: "manual",
        });
        await response.body?.cancel();
      });
    },
    appendEgress(runId: string, entry: EgressEntry) {
      if (!egress.has(runId) && egress.size >= MAX_KEPT) egress.delete(egress.keys().next().value ?? "");
      egress.set(runId, [...(egress.get(runId) ?? []), entry]);
    },
  };
}
