import { WorkerEntrypoint } from "cloudflare:workers";
import type { Env } from "../env";
import { captureRun } from "./console-capture";
import { mailboxFor } from "./run-logs";

/**
 * The Worker Loader's tail for every program: it receives each invocation's console output and
 * uncaught exceptions after the fact, without touching the program's own console.
 */
export class RunTail extends WorkerEntrypoint<Env> {
  override async tail(events: TraceItem[]): Promise<void> {
    for (const item of events) {
      const run = captureRun(item);
      if (run) await mailboxFor(this.env, run.runId).put(run.runId, run.console);
    }
  }
}
