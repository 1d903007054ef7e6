import type { EgressEntry, RunConsole } from "../../base/answers";

/**
 * Where what watches a run (the tail, for its console; the egress gateway, for its requests) leaves
 * it for the recorder: the run-log mailbox in production, the sandbox runtime's memory under bun dev.
 */
export interface TraceSink {
  putConsole(runId: string, console: RunConsole): Promise<void> | void;
  appendEgress(runId: string, entry: EgressEntry): Promise<void> | void;
}
