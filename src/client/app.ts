import { historyMeta } from "../ui/history-meta";
import * as api from "./api";
import { clearConsole, renderConsole } from "./console-view";
import { createEditor, type ErrorLocation } from "./editor";
import { explain } from "./explain";
import { fileTabs, type ProgramSource } from "./files";
import { showResponse } from "./response-view";
import { tabs } from "./tabs";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const form = $<HTMLFormElement>("run-form");
const mode = $<HTMLSelectElement>("mode");
const prompt = $<HTMLInputElement>("prompt");
const body = $<HTMLTextAreaElement>("body");
const bodyDetails = $<HTMLDetailsElement>("body-details");
const runButton = $<HTMLButtonElement>("run");
const status = $("status");
const time = $("time");
const explanation = $("explain");
const programLink = $("program-link");
const programUrl = $<HTMLAnchorElement>("program-url");
const shareUrl = $<HTMLAnchorElement>("share-url");
const curl = $("curl");
const historyList = $("history-list");
const historyEmpty = $("history-empty");
const clearButton = $<HTMLButtonElement>("clear-history");
const outcome = $("outcome");
const consolePanel = $("console");
const consoleCount = $("console-count");
const editor = createEditor($<HTMLTextAreaElement>("code"), $("error-at"), () => form.requestSubmit());
tabs(document.querySelector<HTMLElement>('[role="tablist"]') as HTMLElement);

// A program of several files is always a module: the picker says so instead of offering a choice
// the submit would ignore, and gives back the visitor's choice when one file is left.
let chosenMode = mode.value;
function showModeFor(count: number) {
  const several = count > 1;
  if (several === mode.disabled) return;
  if (several) chosenMode = mode.value;
  mode.value = several ? "module" : chosenMode;
  mode.disabled = several;
  mode.title = several ? "A program of several files is a module." : "";
}

const files = fileTabs(
  $("file-tabs"),
  $<HTMLButtonElement>("add-file"),
  $<HTMLSelectElement>("language"),
  editor,
  showModeFor,
);
// A shared program with several files or in TypeScript comes with the page, beside its first file.
files.load(form.dataset.program ? (JSON.parse(form.dataset.program) as ProgramSource) : { code: editor.value });

function showStatus(state: "idle" | "busy" | "ok" | "error", text: string) {
  status.dataset.state = state;
  status.textContent = text;
}

function showResult(result: api.RunResult) {
  showStatus(result.ok ? "ok" : "error", `${result.status}${result.ok ? "" : " error"}`);
  time.textContent = `${result.ms} ms`;
  showResponse(result);
  const words = explain(result);
  explanation.hidden = words === null;
  explanation.textContent = words ?? "";
}

/** The same request, for the terminal. */
function curlLine(url: string): string {
  const request = api.runRequest(`${location.origin}${url}`, prompt.value, body.value);
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  if (request.init.method !== "POST") return `curl -s ${quote(request.url)}`;
  return `curl -s ${quote(request.url)} -H ${quote(`content-type: ${api.bodyType(body.value)}`)} --data-binary ${quote(body.value)}`;
}

async function runProgram() {
  runButton.disabled = true;
  runButton.setAttribute("aria-busy", "true");
  showStatus("busy", "Running…");
  for (const element of [time, outcome]) element.textContent = "";
  explanation.hidden = true;
  editor.showError(null);
  clearConsole(consolePanel, consoleCount);
  try {
    const submitted = await api.submit(files.current(), mode.value);
    if (!("hash" in submitted)) {
      showResult(submitted);
      showBuildError(submitted);
      return;
    }
    programUrl.href = submitted.url;
    programUrl.textContent = `${location.origin}${submitted.url}`;
    shareUrl.href = `/s/${submitted.hash}`;
    programLink.hidden = false;
    curl.textContent = curlLine(submitted.url);
    const result = await api.run(submitted.url, prompt.value, body.value);
    showResult(result);
    showRecord(result.runId ? await api.runRecord(result.runId) : null);
    renderHistory(await api.history());
  } catch (error) {
    showStatus("error", "Network error");
    explanation.hidden = false;
    explanation.textContent = `The playground could not be reached: ${(error as Error).message}`;
  } finally {
    runButton.disabled = false;
    runButton.removeAttribute("aria-busy");
  }
}

/** A submit refused for the program's source (syntax, a missing import): its file, line and column. */
function showBuildError(result: api.RunResult) {
  try {
    const { error } = JSON.parse(result.body) as {
      error?: { message?: string; location?: ErrorPosition | null };
    };
    if (error?.location) pointAt(error.location, error.message ?? "");
  } catch {
    // not our JSON error: nothing to point at
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
  const location = record.error?.location as ErrorPosition | undefined;
  if (location) pointAt(location, record.error?.message ?? "");
}

/** A position the server gave in the user's terms; `file` only for programs of several files. */
interface ErrorPosition extends ErrorLocation {
  readonly file?: string;
}

function pointAt(location: ErrorPosition, message: string) {
  if (location.file) files.show(location.file);
  editor.showError(location, message);
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

for (const field of [prompt, body] as HTMLElement[]) {
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}

for (const button of document.querySelectorAll<HTMLButtonElement>("[data-example]")) {
  button.addEventListener("click", () => {
    files.load({ code: button.dataset.code ?? "" });
    mode.value = button.dataset.mode ?? "";
    prompt.value = button.dataset.prompt ?? "";
    body.value = button.dataset.body ?? "";
    bodyDetails.open = body.value !== "";
    editor.focus();
  });
}

historyList.addEventListener("click", async (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>(".history-item");
  if (!button) return;
  prompt.value = button.dataset.prompt ?? "";
  const stored = await api.program(button.dataset.hash ?? "");
  if (stored) {
    files.load(stored);
    mode.value = "files" in stored ? "module" : stored.mode;
  }
  prompt.focus();
});

clearButton.addEventListener("click", async () => {
  if (!confirm("Clear your recent runs? This cannot be undone.")) return;
  if (await api.clearHistory()) renderHistory([]);
});

// Copy buttons: the run URL, the share link, the curl line.
const copySources: Record<string, () => string> = {
  "run-url": () => programUrl.textContent ?? "",
  "share-url": () => shareUrl.href,
  curl: () => curl.textContent ?? "",
};
for (const button of document.querySelectorAll<HTMLButtonElement>("[data-copy]")) {
  button.addEventListener("click", async () => {
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(copySources[button.dataset.copy ?? ""]?.() ?? "");
      button.textContent = "Copied";
    } catch {
      button.textContent = "Copy failed: select and copy by hand";
    }
    setTimeout(() => {
      button.textContent = label;
    }, 1500);
  });
}
