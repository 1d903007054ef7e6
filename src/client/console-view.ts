import type { RunRecord } from "./api";

/** Renders a run's console: one row a log entry, then uncaught exceptions, then a truncation note. */
export function renderConsole(panel: HTMLElement, count: HTMLElement, record: RunRecord | null) {
  const rows: HTMLElement[] = [];
  if (!record) {
    rows.push(note("The console of this run is not available."));
  } else {
    for (const log of record.console.logs) rows.push(row(log.level, log.level, log.message));
    for (const exception of record.console.exceptions) {
      rows.push(row("error", "uncaught", `${exception.name}: ${exception.message}`));
    }
    if (record.console.truncated) rows.push(note("Output truncated: a run keeps at most 200 entries and 64 KiB."));
    if (rows.length === 0) rows.push(note("This run printed nothing."));
  }
  panel.replaceChildren(...rows);
  const entries = record ? record.console.logs.length + record.console.exceptions.length : 0;
  count.textContent = entries > 0 ? String(entries) : "";
}

export function clearConsole(panel: HTMLElement, count: HTMLElement) {
  panel.replaceChildren(note("Running…"));
  count.textContent = "";
}

function row(level: string, label: string, message: string): HTMLElement {
  const line = document.createElement("div");
  line.className = "console-row";
  line.dataset.level = level;
  const tag = document.createElement("span");
  tag.className = "console-level";
  tag.textContent = label;
  const text = document.createElement("span");
  text.className = "console-message";
  text.textContent = message;
  line.append(tag, text);
  return line;
}

function note(text: string): HTMLElement {
  const line = document.createElement("p");
  line.className = "muted";
  line.textContent = text;
  return line;
}
