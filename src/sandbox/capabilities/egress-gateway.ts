import { WorkerEntrypoint } from "cloudflare:workers";
import { egressPolicy } from "../../config/egress";
import { mailboxSink } from "../telemetry/run-logs";
import type { TraceSink } from "../telemetry/trace-sink";
import { forwardEgress } from "./egress";

/**
 * globalOutbound of a program submitted with network: true, for one way of keeping traces. Its props
 * name the run, so every request lands in that run's record (such programs get a fresh isolate per
 * run for this reason).
 */
export function egressGatewayEntrypoint<E extends { EGRESS_ALLOW?: unknown }>(sinkFor: (env: E) => TraceSink) {
  return class EgressGatewayEntrypoint extends WorkerEntrypoint<E, { runId: string }> {
    override fetch(request: Request): Promise<Response> {
      const { runId } = this.ctx.props;
      return forwardEgress(egressPolicy(this.env), request, async (entry) => {
        await sinkFor(this.env).appendEgress(runId, entry);
      });
    }
  };
}

/** The production gateway: requests are recorded in the run-log mailbox. */
export class EgressGateway extends egressGatewayEntrypoint<Env>(mailboxSink) {}
