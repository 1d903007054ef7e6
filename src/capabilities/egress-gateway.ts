import { WorkerEntrypoint } from "cloudflare:workers";
import { egressPolicy } from "../config/egress";
import type { Env } from "../env";
import { mailboxFor } from "../record/run-logs";
import { forwardEgress } from "./egress";

/**
 * globalOutbound of a program submitted with network: true. Its props name the run, so every
 * request lands in that run's record (such programs get a fresh isolate per run for this reason).
 */
export class EgressGateway extends WorkerEntrypoint<Env, { runId: string }> {
  override fetch(request: Request): Promise<Response> {
    const { runId } = this.ctx.props;
    return forwardEgress(egressPolicy(this.env), request, (entry) =>
      mailboxFor(this.env, runId).appendEgress(runId, entry),
    );
  }
}
