import { exports } from "cloudflare:workers";
import type { Program } from "../../base/program";
import type { Capabilities } from "../worker-code";

/**
 * What a program is handed, decided in this one place: our tail, its own STORE, and network only
 * through the egress gateway, only for programs submitted with network: true. Made from the main
 * module's own entrypoints: the app's in production, the local sandbox runtime's (the same names,
 * keeping traces and data their own way) under bun dev.
 */
export function capabilitiesOf(hash: string, program: Pick<Program, "network">, runId: string): Capabilities {
  return {
    tails: [exports.RunTail({ props: {} })],
    env: { STORE: exports.StoreAccess({ props: { hash } }) },
    ...(program.network ? { globalOutbound: exports.EgressGateway({ props: { runId } }) } : {}),
  };
}
