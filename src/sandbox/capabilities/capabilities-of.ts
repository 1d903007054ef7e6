import { exports } from "cloudflare:workers";
import type { Program } from "../../base/program";
import type { Capabilities } from "../worker-code";

/**
 * What a program's isolate is handed, decided in this one place: our tail (where the caller wants
 * the run watched: `tailed`), and network only through
 * the egress gateway, only for programs submitted with network: true. Made from the main module's
 * own entrypoints: the app's in production, the local sandbox runtime's (the same names, keeping
 * traces and data their own way) under bun dev.
 */
export function capabilitiesOf(program: Pick<Program, "network">, runId: string, tailed: boolean): Capabilities {
  return {
    // Without our tail (a run nobody traces), the isolate is a separate one (worker-code.ts isolateId).
    tails: tailed ? [exports.RunTail({ props: {} })] : [],
    env: {},
    ...(program.network ? { globalOutbound: exports.EgressGateway({ props: { runId } }) } : {}),
  };
}

/**
 * A run's env.STORE: the program's own data (props name its hash), counted per run (props name
 * the run), handed to each run rather than kept in the isolate, whose runs it would all share.
 */
export function runStore(hash: string, runId: string): Fetcher {
  return exports.StoreAccess({ props: { hash, runId } });
}
