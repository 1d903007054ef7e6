import type { EgressEntry, RunConsole } from "../../base/answers";

/**
 * Where what watches a run (the tail, for its console; the egress gateway, for its requests) leaves
 * it for the recorder: the run-log mailbox in production, the sandbox runtime's memory under bun dev.
 */
export interface TraceSink {
  putConsole(runId: string, console: RunConsole): Promise<void> | void;
  appendEgress(runId: string, entry: EgressEntry): Promise<void> | void;
}

/**
 * The run ids of runs whose trace nobody will read (a run no history keeps and no answer reports)
 * start with this: a sink that writes durably leaves them out, so such a run writes nothing.
 */
export const UNTRACED_RUN = "untraced-";

export function isUntraced(runId: string): boolean {
  return runId.startsWith(UNTRACED_RUN);
}
