import { historyMeta } from "../ui/history-meta";
import type { HistoryEntry } from "./api";

/** The Recent runs list, rendered again after each run. */
export function renderHistory(
  list: HTMLElement,
  empty: HTMLElement,
  clear: HTMLButtonElement,
  entries: HistoryEntry[],
) {
  list.replaceChildren(...entries.map(historyItem));
  empty.hidden = entries.length > 0;
  clear.disabled = entries.length === 0;
}

/** Same markup as the server-rendered HistoryItem in src/ui/page.tsx. */
function historyItem(entry: HistoryEntry): HTMLLIElement {
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "history-item";
  button.dataset.prompt = entry.prompt;
  button.dataset.hash = entry.hash;
  button.dataset.id = entry.id ?? "";
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
