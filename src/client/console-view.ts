import type { LogEntry, RunRecord } from "./api";

/**
 * A run's console: one row a log entry with its level and time, then uncaught exceptions, then a
 * truncation note. The runtime hands each entry over as text, objects as JSON: those parts become
 * trees that open and close. A text filter and a level filter hide the rows that do not match.
 */
export function consoleView(
  panel: HTMLElement,
  count: HTMLElement,
  filter: HTMLInputElement,
  level: HTMLSelectElement,
) {
  const apply = () => {
    const words = filter.value.trim().toLowerCase();
    let shown = 0;
    for (const row of panel.querySelectorAll<HTMLElement>(".console-row")) {
      const visible =
        (level.value === "" || row.dataset.level === level.value) &&
        (words === "" || (row.textContent ?? "").toLowerCase().includes(words));
      row.hidden = !visible;
      if (visible) shown++;
    }
    const none = panel.querySelector<HTMLElement>(".console-none");
    const rows = panel.querySelectorAll(".console-row").length;
    if (none) none.hidden = rows === 0 || shown > 0;
  };
  filter.addEventListener("input", apply);
  level.addEventListener("change", apply);

  return {
    render(record: RunRecord | null) {
      const rows: HTMLElement[] = [];
      if (!record) {
        rows.push(note("The console of this run is not available."));
      } else {
        for (const log of record.console.logs) rows.push(row(log.level, log.level, log.message, log.at));
        for (const exception of record.console.exceptions) {
          rows.push(row("error", "uncaught", `${exception.name}: ${exception.message}`, null));
        }
        if (record.console.truncated) rows.push(note("Output truncated: a run keeps at most 200 entries and 64 KiB."));
        if (rows.length === 0) rows.push(note("This run printed nothing."));
        const none = note("No entry matches the filter.");
        none.classList.add("console-none");
        rows.push(none);
      }
      panel.replaceChildren(...rows);
      const entries = record ? record.console.logs.length + record.console.exceptions.length : 0;
      count.textContent = entries > 0 ? String(entries) : "";
      apply();
    },
    clear(text: string) {
      panel.replaceChildren(note(text));
      count.textContent = "";
    },
  };
}

function row(level: LogEntry["level"] | "error", label: string, message: string, at: number | null): HTMLElement {
  const line = document.createElement("div");
  line.className = "console-row";
  line.dataset.level = level;
  const time = document.createElement("time");
  time.className = "console-time";
  if (at !== null) {
    const date = new Date(at);
    time.dateTime = date.toISOString();
    const milliseconds = String(date.getMilliseconds()).padStart(3, "0");
    time.textContent = `${date.toLocaleTimeString([], { hour12: false })}.${milliseconds}`;
  }
  const tag = document.createElement("span");
  tag.className = "console-level";
  tag.textContent = label;
  const text = document.createElement("span");
  text.className = "console-message";
  text.append(...messageParts(message));
  line.append(time, tag, text);
  return line;
}

/** The message's text, with each JSON object or array in it as an expandable tree. */
export function messageParts(message: string): (string | HTMLElement)[] {
  const parts: (string | HTMLElement)[] = [];
  let rest = 0;
  for (let at = 0; at < message.length; at++) {
    const char = message[at];
    if (char !== "{" && char !== "[") continue;
    const end = jsonEnd(message, at);
    if (end < 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(message.slice(at, end));
    } catch {
      continue;
    }
    if (at > rest) parts.push(message.slice(rest, at));
    parts.push(tree(value, true));
    rest = end;
    at = end - 1;
  }
  if (rest < message.length) parts.push(message.slice(rest));
  return parts;
}

/** Where the bracketed JSON starting at `start` ends (exclusive), skipping strings; -1 if it does not. */
function jsonEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let at = start; at < text.length; at++) {
    const char = text[at];
    if (inString) {
      if (char === "\\") at++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return at + 1;
    }
  }
  return -1;
}

function tree(value: unknown, top = false): HTMLElement {
  if (value === null || typeof value !== "object") {
    const leaf = document.createElement("span");
    leaf.className = `json-${value === null ? "null" : typeof value}`;
    leaf.textContent = JSON.stringify(value);
    return leaf;
  }
  const entries = Array.isArray(value)
    ? value.map((item, index) => [String(index), item] as const)
    : Object.entries(value);
  const details = document.createElement("details");
  details.className = "json";
  // Small objects open at once: one click less for the common { id, name } log.
  details.open = top && entries.length <= 3;
  const summary = document.createElement("summary");
  summary.textContent = preview(value);
  const list = document.createElement("dl");
  for (const [key, item] of entries) {
    const term = document.createElement("dt");
    term.textContent = key;
    const detail = document.createElement("dd");
    detail.append(tree(item));
    list.append(term, detail);
  }
  details.append(summary, list);
  return details;
}

function preview(value: object): string {
  const text = JSON.stringify(value);
  const short = text.length > 60 ? `${text.slice(0, 57)}…` : text;
  return Array.isArray(value) ? `Array(${value.length}) ${short}` : short;
}

function note(text: string): HTMLElement {
  const line = document.createElement("p");
  line.className = "muted";
  line.textContent = text;
  return line;
}
