import { app } from "./app";

export { PromptLog } from "./record/prompt-log";
export { ProgramStore } from "./store/program-store";

export default app;
