/**
 * The classes wrangler.jsonc names (Durable Objects) and the entrypoints the Worker Loader hands to
 * programs: every entry module of the app exports these.
 */
export { PromptLog } from "./record/prompt-log";
export { ApiTokens } from "./request/auth-tokens";
export { VisitorKey } from "./request/auth-visitor-key";
export { EgressGateway } from "./sandbox/capabilities/egress-gateway";
export { ProgramData } from "./sandbox/capabilities/program-data";
export { StoreAccess } from "./sandbox/capabilities/store-access";
export { RunLogMailbox } from "./sandbox/telemetry/run-logs";
export { RunTail } from "./sandbox/telemetry/run-tail";
export { ProgramStore } from "./store/program-store";
