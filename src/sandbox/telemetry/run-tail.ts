import { WorkerEntrypoint } from "cloudflare:workers";
import { captureRun } from "./console-capture";
import { mailboxSink } from "./run-logs";
import { traceHandoff } from "./trace-handoff";
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

/**
 * The production tail: a console its run's recorder waits for in this isolate is handed over in
 * memory; any other goes to the run-log mailbox.
 */
export class RunTail extends runTailEntrypoint<Env>((env) => {
  const mailbox = mailboxSink(env);
  return {
    ...mailbox,
    putConsole: (runId, console) =>
      traceHandoff.offer(runId, { console, egress: [] }) ? undefined : mailbox.putConsole(runId, console),
  };
}) {}
