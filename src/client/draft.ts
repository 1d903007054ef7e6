import type { ProgramSource } from "./files";

/** What the visitor is working on: every file, the mode they chose, the prompt and the body. */
export interface Draft {
  readonly source: ProgramSource;
  readonly mode: string;
  readonly prompt: string;
  readonly body: string;
}

const KEY = "promptlog.draft";

/** The draft saved by an earlier visit, or null (none, or unreadable: storage is the visitor's to edit). */
export function loadDraft(): Draft | null {
  try {
    const draft = JSON.parse(localStorage.getItem(KEY) ?? "null") as Partial<Draft> | null;
    if (!draft || typeof draft !== "object" || !isSource(draft.source)) return null;
    return {
      source: draft.source,
      mode: typeof draft.mode === "string" ? draft.mode : "",
      prompt: typeof draft.prompt === "string" ? draft.prompt : "",
      body: typeof draft.body === "string" ? draft.body : "",
    };
  } catch {
    return null;
  }
}

function isSource(value: unknown): value is ProgramSource {
  if (!value || typeof value !== "object") return false;
  if ("code" in value) return typeof value.code === "string";
  if ("files" in value && "main" in value) {
    const files = value.files as Record<string, unknown> | null;
    return (
      typeof value.main === "string" &&
      !!files &&
      typeof files === "object" &&
      Object.values(files).every((text) => typeof text === "string")
    );
  }
  return false;
}

/**
 * Saves the draft a moment after the last change, and at once when the page is hidden or left, so a
 * reload or a closed tab loses nothing.
 */
export function autosave(read: () => Draft) {
  let timer = 0;
  const save = () => {
    clearTimeout(timer);
    try {
      localStorage.setItem(KEY, JSON.stringify(read()));
    } catch {
      // Storage full or switched off: the draft lives only in the page, as before.
    }
  };
  addEventListener("pagehide", save);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") save();
  });
  return {
    /** Call on every change. */
    changed() {
      clearTimeout(timer);
      timer = setTimeout(save, 300) as unknown as number;
    },
    save,
  };
}
