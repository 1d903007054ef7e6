import { PROGRAM_MODULE, type Program, snippetModule } from "../base/program";
import { PROGRAM_COMPATIBILITY_DATE } from "../config/compatibility";
import type { RunLimits } from "../config/limits";
import { RUNNER_MODULE, runnerSource } from "./runner-source";

/** What a program's isolate is handed besides its code: our tails, its env, its egress gateway. */
export interface Capabilities {
  readonly tails?: Fetcher[];
  readonly env?: Record<string, unknown>;
  readonly globalOutbound?: Fetcher | null;
}

/**
 * What the Worker Loader builds an isolate from. The program gets no network (globalOutbound: null,
 * or for programs submitted with network: true, our egress gateway), only the capabilities we hand
 * it in env (STORE), and the operator's limits; our tails see what it prints.
 */
export function workerCode(
  program: Program,
  limits: RunLimits,
  capabilities: Capabilities = {},
): WorkerLoaderWorkerCode {
  const tails = capabilities.tails ?? [];
  return {
    compatibilityDate: PROGRAM_COMPATIBILITY_DATE,
    mainModule: RUNNER_MODULE,
    modules: {
      [RUNNER_MODULE]: runnerSource(program.mode, tails.length > 0),
      ...programModules(program),
    },
    env: capabilities.env ?? {},
    globalOutbound: capabilities.globalOutbound ?? null,
    limits: { cpuMs: limits.cpuMs, subRequests: limits.subRequests },
    tails,
  };
}

/**
 * Isolates are cached per program and per limits, so changed limits never reuse an old isolate; and
 * apart with our tail and without (`tailed`, see capabilitiesOf): a tail costs every run it watches
 * a second invocation, which runs nobody traces need not pay.
 */
export function isolateId(hash: string, limits: RunLimits, tailed: boolean): string {
  return `${hash}:${limits.cpuMs}:${limits.subRequests}${tailed ? "" : ":untailed"}`;
}

/** The program as modules: as written, or as built at submit time (the runner imports PROGRAM_MODULE). */
function programModules(program: Program): Record<string, string> {
  const { compiled } = program;
  if (!compiled) return { [PROGRAM_MODULE]: program.mode === "module" ? program.code : snippetModule(program.code) };
  if (compiled.mainModule === PROGRAM_MODULE) return { ...compiled.modules };
  // Every export of the entry point, for calls; its default only when it has one (a module that just
  // exports functions has none, and `export { default }` of it would not link).
  const main = JSON.stringify(`./${compiled.mainModule}`);
  return {
    ...compiled.modules,
    [PROGRAM_MODULE]: `export * from ${main};\nimport * as main from ${main};\nexport default main.default;\n`,
  };
}
