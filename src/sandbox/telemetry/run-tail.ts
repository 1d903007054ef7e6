import { WorkerEntrypoint } from "cloudflare:workers";
import { captureRun } from "./console-capture";
import { mailboxSink } from "./run-logs";
import type { TraceSink } from "./trace-sink";

/**
 * The Worker Loader's tail for every program, for one way of keeping traces: it receives each
 * invocation's console output and uncaught exceptions after the fact, without touching the
 * program's own console.
 */
export function runTailEntrypoint<E>(sinkFor: (env: E) => TraceSink) {
  return class RunTailEntrypoint extends WorkerEntrypoint<E> {
    override async tail(events: TraceItem[]): Promise<void> {
      for (const item of events) {
        const run = captureRun(item);
        if (run) await sinkFor(this.env).putConsole(run.runId, run.console);
      }
    }
  };
}

/** The production tail: consoles go to the run-log mailbox. */
export class RunTail extends runTailEntrypoint<Env>(mailboxSink) {}
