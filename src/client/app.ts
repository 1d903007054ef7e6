import { historyMeta } from "../ui/history-meta";
import * as api from "./api";
import { clearConsole, renderConsole } from "./console-view";
import { errorMarker } from "./error-marker";
import { tabs } from "./tabs";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const form = $<HTMLFormElement>("run-form");
const code = $<HTMLTextAreaElement>("code");
const mode = $<HTMLSelectElement>("mode");
const prompt = $<HTMLInputElement>("prompt");
const runButton = $<HTMLButtonElement>("run");
const status = $("status");
const time = $("time");
const contentType = $("content-type");
const output = $("output");
const programLink = $("program-link");
const programUrl = $<HTMLAnchorElement>("program-url");
const historyList = $("history-list");
const historyEmpty = $("history-empty");
const clearButton = $<HTMLButtonElement>("clear-history");
const outcome = $("outcome");
const consolePanel = $("console");
const consoleCount = $("console-count");
const marker = errorMarker(code, $("error-band"), $("error-at"));
tabs(document.querySelector<HTMLElement>('[role="tablist"]') as HTMLElement);

function showStatus(state: "idle" | "busy" | "ok" | "error", text: string) {
  status.dataset.state = state;
  status.textContent = text;
}

/** The body is always shown as text, never as HTML: a program's output cannot run in our page. */
function showResult(result: api.RunResult) {
  showStatus(result.ok ? "ok" : "error", `${result.status}${result.ok ? "" : " error"}`);
  time.textContent = `${result.ms} ms`;
  contentType.textContent = result.contentType;
  output.textContent = pretty(result);
}

function pretty(result: api.RunResult): string {
  if (!result.contentType.includes("json")) return result.body;
  try {
    return JSON.stringify(JSON.parse(result.body), null, 2);
  } catch {
    return result.body;
  }
}

async function runProgram() {
  runButton.disabled = true;
  showStatus("busy", "Running…");
  time.textContent = "";
  contentType.textContent = "";
  outcome.textContent = "";
  marker.show(null);
  clearConsole(consolePanel, consoleCount);
  try {
    const submitted = await api.submit(code.value, mode.value);
    if (!("hash" in submitted)) {
      showResult(submitted);
      return;
    }
    programUrl.href = submitted.url;
    programUrl.textContent = `${location.origin}${submitted.url}`;
    programLink.hidden = false;
    const result = await api.run(submitted.url, prompt.value);
    showResult(result);
    const record = result.runId ? await api.runRecord(result.runId) : null;
    showRecord(record);
    renderHistory(await api.history());
  } catch (error) {
    showStatus("error", "Network error");
    output.textContent = `The playground could not be reached: ${(error as Error).message}`;
  } finally {
    runButton.disabled = false;
  }
}

const OUTCOME_WORDS: Record<api.HistoryEntry["outcome"], string> = {
  ok: "ran",
  exception: "threw",
  limit: "stopped at a limit",
  load_error: "could not load",
  error: "did not run",
};

/** The run's outcome and isolate, its console, and the line its error points at. */
function showRecord(record: api.RunRecord | null) {
  renderConsole(consolePanel, consoleCount, record);
  if (!record) return;
  outcome.textContent = [OUTCOME_WORDS[record.outcome], record.cold === null ? "" : record.cold ? "cold" : "warm"]
    .filter(Boolean)
    .join(" · ");
  const location = record.error?.location as { line: number; column: number } | undefined;
  if (location) marker.show(location, record.error?.message ?? "");
}

function renderHistory(entries: api.HistoryEntry[]) {
  historyList.replaceChildren(...entries.map(historyItem));
  historyEmpty.hidden = entries.length > 0;
  clearButton.disabled = entries.length === 0;
}

/** Same markup as the server-rendered HistoryItem in src/ui/page.tsx. */
function historyItem(entry: api.HistoryEntry): HTMLLIElement {
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "history-item";
  button.dataset.prompt = entry.prompt;
  button.dataset.hash = entry.hash;
  const text = document.createElement("span");
  text.className = "history-prompt";
  text.textContent = entry.prompt === "" ? "(empty prompt)" : entry.prompt;
  const meta = document.createElement("span");
  meta.className = "history-meta";
  const badge = document.createElement("span");
  badge.className = "badge";
  badge.dataset.state = entry.outcome === "ok" ? "ok" : "error";
  badge.textContent = String(entry.status);
  meta.append(badge, ` ${historyMeta(entry)}`);
  button.append(text, meta);
  item.append(button);
  return item;
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void runProgram();
});

// Ctrl/Cmd+Enter runs from the code or the prompt, as in every playground.
for (const field of [code, prompt] as HTMLElement[]) {
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

for (const button of document.querySelectorAll<HTMLButtonElement>("[data-example]")) {
  button.addEventListener("click", () => {
    code.value = button.dataset.code ?? "";
    mode.value = button.dataset.mode ?? "";
    prompt.value = button.dataset.prompt ?? "";
    code.focus();
  });
}

historyList.addEventListener("click", async (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>(".history-item");
  if (!button) return;
  prompt.value = button.dataset.prompt ?? "";
  const stored = await api.program(button.dataset.hash ?? "");
  if (stored) {
    code.value = stored.code;
    mode.value = stored.mode;
  }
  prompt.focus();
});

clearButton.addEventListener("click", async () => {
  if (!confirm("Clear your recent prompts? This cannot be undone.")) return;
  if (await api.clearHistory()) renderHistory([]);
});
