import { app } from "./app";

export { EgressGateway } from "./capabilities/egress-gateway";
export { ProgramData } from "./capabilities/program-data";
export { StoreAccess } from "./capabilities/store-access";
export { PromptLog } from "./record/prompt-log";
export { RunLogMailbox } from "./record/run-logs";
export { RunTail } from "./record/run-tail";
export { ProgramStore } from "./store/program-store";

export default app;
