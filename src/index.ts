import { app } from "./app";

export { PromptLog } from "./record/prompt-log";
export { RunLogMailbox } from "./record/run-logs";
export { RunTail } from "./record/run-tail";
export { ProgramStore } from "./store/program-store";

export default app;
