import * as api from "./api";
import { consoleView } from "./console-view";
import { confirmAction } from "./dialog";
import { autosave, type Draft, loadDraft } from "./draft";
import { createEditor } from "./editor";
import { editorView, goTo, onDocChange, wrapLinesWhen } from "./editor-view";
import { type FormattedError, formatError, renderError } from "./error-view";
import { explain } from "./explain";
import { mountExportsPanel } from "./exports-panel";
import { fileTabs, type ProgramSource } from "./files";
import { renderHistory } from "./history-view";
import { menuButton } from "./menu";
import { modeConflict, modeToShow } from "./mode-check";
import { keepRun, keptRun } from "./output-cache";
import { showResponse } from "./response-view";
import { splitter } from "./split";
import { tabs } from "./tabs";
import { mountTokensPanel, type TokensPanel } from "./tokens-panel";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const form = $<HTMLFormElement>("run-form");
const mode = $<HTMLSelectElement>("mode");
const prompt = $<HTMLInputElement>("prompt");
const body = $<HTMLTextAreaElement>("body");
const bodyDetails = $<HTMLDetailsElement>("body-details");
const runButton = $<HTMLButtonElement>("run");
const stopButton = $<HTMLButtonElement>("stop");
const elapsed = $("elapsed");
const status = $("status");
const time = $("time");
const stale = $("stale");
const explanation = $("explain");
const errorView = $("error-view");
const programLink = $("program-link");
const programUrl = $<HTMLAnchorElement>("program-url");
const shareUrl = $<HTMLAnchorElement>("share-url");
const curl = $("curl");
const historyList = $("history-list");
const outcome = $("outcome");
const ready = $("ready");
const modeWarning = $("mode-warning");
const modeFix = $<HTMLButtonElement>("mode-fix");
const workspace = $("workspace");

const editor = createEditor($<HTMLTextAreaElement>("code"), $("error-at"), () => requestRun());
const view = editorView($("editor-host"));
const outputTabs = tabs($("output-tabs"));
const consolePanel = consoleView(
  $("console"),
  $("console-count"),
  $<HTMLInputElement>("console-filter"),
  $<HTMLSelectElement>("console-level"),
);
// On a phone the code and the output are two tabs; on a wide screen both show and these are hidden.
const viewTabs = tabs($("view-tabs"), {
  hidePanels: false,
  onSelect: (id) => {
    workspace.dataset.view = id === "view-output" ? "output" : "code";
  },
});
splitter($("splitter"), workspace);

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

/** Tells the editor's language service which file it shows and what is around it. */
function syncProgram() {
  const source = files.current();
  const chosen = mode.value === "snippet" || mode.value === "module" ? mode.value : "";
  editor.setProgram({
    path: files.active || ("files" in source ? source.main : "index.js"),
    mode: chosen,
    ...("files" in source ? { files: source.files } : {}),
  });
}

const files = fileTabs(
  $("file-tabs"),
  $<HTMLButtonElement>("add-file"),
  $<HTMLSelectElement>("language"),
  editor,
  (count) => {
    showModeFor(count);
    syncProgram();
  },
  () => changed(),
);

/** The run's inputs as one string: what Output shows belongs to exactly this. */
function inputsKey(): string {
  return JSON.stringify([files.current(), mode.value, prompt.value, body.value]);
}
/** The inputs of the output on screen; null when it shows no run. */
let shownFor: string | null = null;

function readDraft(): Draft {
  return { source: files.current(), mode: mode.value, prompt: prompt.value, body: body.value };
}
const drafts = autosave(readDraft);
let started = false;

let checkTimer = 0;
/** Every edit of the code, files, mode, prompt or body lands here. */
function changed() {
  if (!started) return;
  drafts.changed();
  clearTimeout(checkTimer);
  checkTimer = setTimeout(() => {
    showStale();
    showModeWarning();
  }, 150) as unknown as number;
}

function showStale() {
  stale.hidden = shownFor === null || shownFor === inputsKey();
  $("pane-output").dataset.stale = String(!stale.hidden);
}

function currentConflict() {
  if (mode.disabled) return null;
  return modeConflict(editor.value, mode.value);
}

function showModeWarning() {
  const conflict = currentConflict();
  modeWarning.hidden = conflict === null;
  if (conflict) {
    $("mode-warning-text").textContent = conflict.words;
    modeFix.textContent = `Use auto-detect (${conflict.detected})`;
  }
}

modeFix.addEventListener("click", () => {
  mode.value = "";
  chosenMode = "";
  syncProgram();
  showModeWarning();
  showStale();
  drafts.changed();
  runButton.focus();
});

// ---- Start: a share link's program, else the visitor's draft, else the first example. ----

const sharedHash = form.dataset.sharedHash;
const params = new URLSearchParams(location.search);
if (sharedHash) {
  const source = form.dataset.program ? (JSON.parse(form.dataset.program) as ProgramSource) : { code: editor.value };
  files.load(source);
  mode.value = modeToShow(
    "code" in source ? source.code : null,
    form.dataset.sharedMode === "module" ? "module" : "snippet",
  );
  prompt.value = params.get("prompt") ?? "";
  body.value = params.get("body") ?? "";
  bodyDetails.open = body.value !== "";
  const asked = prompt.value === "" ? "an empty prompt" : `the prompt “${prompt.value}”`;
  $("ready-text").textContent =
    `A shared program, ready to run with ${asked}${body.value ? " and its request body" : ""}.`;
  ready.hidden = false;
} else {
  const draft = loadDraft();
  if (draft) {
    files.load(draft.source);
    mode.value = mode.disabled ? "module" : draft.mode;
    chosenMode = draft.mode;
    prompt.value = draft.prompt;
    body.value = draft.body;
    bodyDetails.open = body.value !== "";
  } else {
    files.load({ code: editor.value });
  }
}
if (view) {
  onDocChange(view, changed);
  // The width at which the panes become tabs (app.css).
  wrapLinesWhen(view, matchMedia("(max-width: 760px)"));
}
for (const field of [prompt, body]) field.addEventListener("input", changed);
mode.addEventListener("change", () => {
  chosenMode = mode.value;
  syncProgram();
  changed();
});
started = true;
showModeWarning();

// ---- Running ----

let running: AbortController | null = null;
let timer = 0;

function showStatus(state: "idle" | "busy" | "ok" | "error", text: string) {
  status.dataset.state = state;
  status.textContent = text;
}

function startTimer() {
  const began = performance.now();
  const tick = () => {
    elapsed.textContent = `${((performance.now() - began) / 1000).toFixed(1)} s`;
  };
  tick();
  timer = setInterval(tick, 100) as unknown as number;
}

function setRunning(on: boolean) {
  runButton.disabled = on;
  runButton.toggleAttribute("aria-busy", on);
  stopButton.hidden = !on;
  if (!on) {
    clearInterval(timer);
    elapsed.textContent = "";
  }
}

/** The visitor's files, named as their tabs are, for error locations. */
function userFiles(): { names: string[]; main: string } {
  const source = files.current();
  if ("files" in source) return { names: Object.keys(source.files), main: source.main };
  return {
    names: [source.language === "ts" ? "index.ts" : "index.js"],
    main: source.language === "ts" ? "index.ts" : "index.js",
  };
}

/** Shows one run's answer (or a refused submit), for the inputs now on screen. */
function showResult(result: api.RunResult) {
  ready.hidden = true;
  showStatus(result.ok ? "ok" : "error", `${result.status}${result.ok ? "" : " error"}`);
  time.textContent = `${result.ms} ms`;
  const { names, main } = userFiles();
  const error = result.ok ? null : formatError(result.body, names);
  showResponse(result, error !== null);
  const words = explain(result);
  if (error) {
    renderError(errorView, error, words, main);
    explanation.hidden = true;
    markError(error);
  } else {
    errorView.hidden = true;
    errorView.replaceChildren();
    explanation.hidden = words === null;
    explanation.textContent = words ?? "";
    editor.showError(null);
  }
  shownFor = inputsKey();
  showStale();
}

function markError(error: FormattedError) {
  const place = error.location;
  if (!place) {
    editor.showError(null);
    return;
  }
  if (place.file) files.show(place.file);
  editor.showError(place, error.message);
  // Showing the file may have changed the editor's text: the inputs are still the same.
}

/** No Run URL nor Share link (nor Call panel) unless they are the program on screen. */
function clearLinks() {
  void showCalls(null);
  programLink.hidden = true;
  programUrl.removeAttribute("href");
  programUrl.textContent = "";
  shareUrl.href = "/";
  curl.textContent = "Run a program to get the curl line for the API.";
}

function shareLink(hash: string): string {
  const query = new URLSearchParams();
  if (prompt.value !== "") query.set("prompt", prompt.value);
  if (body.value !== "") query.set("body", body.value);
  const search = query.toString();
  return `/s/${hash}${search ? `?${search}` : ""}`;
}

/** The same request, for the terminal. */
function curlLine(url: string): string {
  const request = api.runRequest(`${location.origin}${url}`, prompt.value, body.value);
  const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;
  if (request.init.method !== "POST") return `curl -s ${quote(request.url)}`;
  return `curl -s ${quote(request.url)} -H ${quote(`content-type: ${api.bodyType(body.value)}`)} --data-binary ${quote(body.value)}`;
}

/** Run, unless the mode contradicts the code: then the warning says why and offers the fix. */
function requestRun() {
  if (running) return;
  const conflict = currentConflict();
  if (conflict) {
    showModeWarning();
    showStatus("error", "Not run: check the mode");
    viewTabs.select("view-code");
    modeFix.focus();
    return;
  }
  void runProgram();
}

async function runProgram() {
  const controller = new AbortController();
  running = controller;
  setRunning(true);
  startTimer();
  viewTabs.select("view-output");
  ready.hidden = true;
  showStatus("busy", "Running…");
  for (const element of [time, outcome]) element.textContent = "";
  explanation.hidden = true;
  editor.showError(null);
  consolePanel.clear("Running…");
  const inputs = inputsKey();
  const sentBody = body.value;
  try {
    const submitted = await api.submit(files.current(), mode.value, controller.signal);
    if (!("hash" in submitted)) {
      clearLinks();
      showResult(submitted);
      consolePanel.clear("The program did not run: it could not be built.");
      return;
    }
    void showCalls(submitted.hash);
    programUrl.href = submitted.url;
    programUrl.textContent = `${location.origin}${submitted.url}`;
    shareUrl.href = shareLink(submitted.hash);
    programLink.hidden = false;
    curl.textContent = curlLine(submitted.url);
    const result = await api.run(submitted.url, prompt.value, sentBody, controller.signal);
    setRunning(false);
    running = null;
    showResult(result);
    // The answer is for the inputs sent, even if the visitor typed on while it ran.
    shownFor = inputs;
    showStale();
    keepRun({ result, body: sentBody });
    const record = result.runId ? await api.runRecord(result.runId) : null;
    showRecord(record);
    await refreshHistory();
  } catch (error) {
    if (controller.signal.aborted) {
      showStopped();
      return;
    }
    showStatus("error", "Network error");
    explanation.hidden = false;
    explanation.textContent = `The playground could not be reached: ${(error as Error).message}`;
  } finally {
    if (running === controller) {
      setRunning(false);
      running = null;
    }
  }
}

function showStopped() {
  const seconds = elapsed.textContent;
  showStatus("error", "Stopped");
  const output = $("output");
  output.hidden = false;
  output.textContent = `Stopped after ${seconds}. The program may still finish on the server, within its limits; it is then in Recent runs.`;
  errorView.hidden = true;
  $("preview").hidden = true;
  consolePanel.clear("Stopped before the console arrived.");
  shownFor = null;
  showStale();
}

stopButton.addEventListener("click", () => {
  running?.abort();
  runButton.focus();
});

const OUTCOME_WORDS: Record<api.HistoryEntry["outcome"], string> = {
  ok: "ran",
  exception: "threw",
  limit: "stopped at a limit",
  load_error: "could not load",
  error: "did not run",
};

/** The run's outcome and isolate, and its console. */
function showRecord(record: api.RunRecord | null) {
  consolePanel.render(record);
  if (!record) return;
  outcome.textContent = [OUTCOME_WORDS[record.outcome], record.cold === null ? "" : record.cold ? "cold" : "warm"]
    .filter(Boolean)
    .join(" · ");
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  requestRun();
});
$("ready-run").addEventListener("click", () => requestRun());

for (const field of [prompt, body] as HTMLElement[]) {
  field.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      requestRun();
    }
  });
}

// A location in an error: show its file and move the editor there.
$("pane-output").addEventListener("click", (event) => {
  const place = (event.target as HTMLElement).closest<HTMLButtonElement>(".place");
  if (!place || !view) return;
  if (place.dataset.file) files.show(place.dataset.file);
  viewTabs.select("view-code");
  goTo(view, Number(place.dataset.line), Number(place.dataset.column));
});

$("raw-toggle").addEventListener("click", (event) => {
  const toggle = event.currentTarget as HTMLButtonElement;
  const output = $("output");
  output.hidden = !output.hidden;
  toggle.setAttribute("aria-expanded", String(!output.hidden));
  toggle.textContent = output.hidden ? "Show the JSON answer" : "Hide the JSON answer";
});

menuButton($<HTMLButtonElement>("examples-button"), $("examples-menu"), (item) => {
  files.load({ code: item.dataset.code ?? "" });
  // Every example is told apart by auto-detect: picking one leaves the mode to it.
  mode.value = "";
  chosenMode = "";
  prompt.value = item.dataset.prompt ?? "";
  body.value = item.dataset.body ?? "";
  bodyDetails.open = body.value !== "";
  changed();
  viewTabs.select("view-code");
  editor.focus();
});

// ---- Recent runs: each restores its program, prompt and its own output. ----

historyList.addEventListener("click", async (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>(".history-item");
  if (!button) return;
  const stored = await api.program(button.dataset.hash ?? "");
  if (!stored) {
    showStatus("error", "Program not found");
    return;
  }
  files.load(stored);
  mode.value = "files" in stored ? "module" : modeToShow(stored.code, stored.mode);
  chosenMode = mode.value;
  prompt.value = button.dataset.prompt ?? "";
  const id = button.dataset.id ?? "";
  const kept = id ? keptRun(id) : null;
  body.value = kept?.body ?? "";
  bodyDetails.open = body.value !== "";
  clearLinks();
  if (kept) showResult(kept.result);
  const record = id ? await api.storedRecord(id) : null;
  if (!kept) showRecordOnly(record);
  showRecord(record);
  void showCalls(stored.hash, stored);
  programUrl.href = stored.url;
  programUrl.textContent = `${location.origin}${stored.url}`;
  shareUrl.href = shareLink(stored.hash);
  programLink.hidden = false;
  curl.textContent = curlLine(stored.url);
  shownFor = inputsKey();
  showStale();
  drafts.changed();
  outputTabs.select("tab-response");
});

/** A run of another browser: its record, without the body only the browser that ran it keeps. */
function showRecordOnly(record: api.RunRecord | null) {
  ready.hidden = true;
  const output = $("output");
  output.hidden = false;
  $("preview").hidden = true;
  $("raw-toggle").hidden = true;
  explanation.hidden = true;
  if (!record) {
    showStatus("idle", "Not run here");
    errorView.hidden = true;
    output.textContent = "This run's record is no longer kept. Press Run to run it again.";
    return;
  }
  showStatus(record.status < 400 ? "ok" : "error", `${record.status}${record.status < 400 ? "" : " error"}`);
  time.textContent = `${record.durationMs} ms`;
  const error = record.error ? formatError(JSON.stringify({ error: record.error }), userFiles().names) : null;
  if (error) {
    renderError(errorView, error, null, userFiles().main);
    markError(error);
  } else errorView.hidden = true;
  output.textContent = "The response body is kept only in the browser that made the run. Press Run to see it again.";
}

$("clear-history").addEventListener("click", async () => {
  const sure = await confirmAction("Clear recent runs?", "Your recent runs are deleted for good.", "Clear");
  if (!sure) return;
  if (await api.clearHistory()) {
    renderHistory(historyList, $("history-empty"), $<HTMLButtonElement>("clear-history"), []);
  }
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

// Two reads can overlap (a run's and a call's): only the newest is shown, never an older list after it.
let historyReads = 0;
async function refreshHistory() {
  const read = ++historyReads;
  const entries = await api.history();
  if (read !== historyReads) return;
  renderHistory(historyList, $("history-empty"), $<HTMLButtonElement>("clear-history"), entries);
}

// ---- Calling a module's exports: the Call panel under the response, for the program submitted. ----

const callHost = $("call-host");
let callsAsked = 0;

/** The Call panel for this stored program's callable exports; nothing for a snippet or a module without any. */
async function showCalls(hash: string | null, known?: api.ProgramAnswer) {
  const asked = ++callsAsked;
  callHost.hidden = true;
  callHost.replaceChildren();
  if (!hash) return;
  const program = known ?? (await api.program(hash));
  // Another program was submitted or opened meanwhile: this one's exports are not on screen.
  if (asked !== callsAsked || !program) return;
  mountExportsPanel(callHost, program, {
    // The call's record is written once its console arrives: Recent runs is read after that.
    onCalled: async (runId) => {
      if (runId) await api.runRecord(runId);
      await refreshHistory();
    },
  });
  callHost.hidden = callHost.childElementCount === 0;
}
if (sharedHash) void showCalls(sharedHash);

// ---- API tokens, in a dialog from the toolbar's settings end. ----

const tokensDialog = $<HTMLDialogElement>("tokens-dialog");
const tokensButton = $<HTMLButtonElement>("tokens-button");
let tokensPanel: TokensPanel | null = null;

tokensButton.addEventListener("click", () => {
  // Mounted at each opening: the list is read afresh, and a token shown once is gone once closed.
  tokensPanel = mountTokensPanel($("tokens-panel-host"));
  tokensDialog.showModal();
});
$("tokens-close").addEventListener("click", () => tokensDialog.close());
tokensDialog.addEventListener("close", () => {
  // The event is a task of its own: Esc then Enter on the button can open the dialog again, with a
  // fresh panel, before it comes. That panel stays.
  if (tokensDialog.open) return;
  tokensPanel?.destroy();
  tokensPanel = null;
  tokensButton.focus();
});
