/**
 * Our JSON errors, formatted for a person: the message without the location it repeats, the place
 * in their own code as a link that moves the editor there, and only the stack frames in their code.
 */
export interface Place {
  /** The user's file, for programs of several files. */
  readonly file?: string;
  readonly line: number;
  readonly column: number;
}

export interface FormattedError {
  readonly code: string;
  readonly name: string;
  readonly message: string;
  readonly location: Place | null;
  /** The stack's frames in the user's own code, as "at fn (file:line:col)". */
  readonly frames: readonly { readonly text: string; readonly place: Place }[];
}

interface ErrorJson {
  code?: unknown;
  message?: unknown;
  name?: unknown;
  stack?: unknown;
  location?: unknown;
}

/** The one-file program's module name in stack texts (src/base/program.ts PROGRAM_MODULE). */
const ONE_FILE = "program.js";
const POSITION = /([\w./@-]+):(\d+):(\d+)/;

/** Parses an error answer; null when the body is not one of our errors. */
export function formatError(body: string, userFiles: readonly string[]): FormattedError | null {
  let error: ErrorJson | undefined;
  try {
    error = (JSON.parse(body) as { error?: ErrorJson }).error;
  } catch {
    return null;
  }
  if (!error || typeof error.code !== "string" || typeof error.message !== "string") return null;
  const location = asPlace(error.location);
  const several = userFiles.length > 1;
  const frames = typeof error.stack === "string" ? userFrames(error.stack, several ? userFiles : [ONE_FILE]) : [];
  const name = typeof error.name === "string" ? error.name : "";
  return { code: error.code, name, message: cleanMessage(error.message), location, frames };
}

/** The message's first lines, without the "file:line:col:" it starts with and without stack lines. */
export function cleanMessage(message: string): string {
  return message
    .replace(/^Uncaught\s+/, "")
    .replace(/^[\w./@-]+:\d+:\d+:?\s*/, "")
    .split("\n")
    .filter((line) => !/^\s*at\s/.test(line))
    .join("\n")
    .trim();
}

function userFrames(stack: string, names: readonly string[]): FormattedError["frames"] {
  const frames: { text: string; place: Place }[] = [];
  for (const line of stack.split("\n")) {
    if (!/^\s*at\s/.test(line)) continue;
    const match = POSITION.exec(line);
    if (!match || !names.includes(match[1] ?? "")) continue;
    const place: Place = {
      ...(match[1] === ONE_FILE ? {} : { file: match[1] }),
      line: Number(match[2]),
      column: Number(match[3]),
    };
    frames.push({ text: line.trim(), place });
  }
  return frames;
}

function asPlace(value: unknown): Place | null {
  if (!value || typeof value !== "object") return null;
  const { file, line, column } = value as Record<string, unknown>;
  if (typeof line !== "number" || typeof column !== "number") return null;
  return typeof file === "string" ? { file, line, column } : { line, column };
}

/** "index.ts:2:70", in the name the visitor's file tab shows. */
export function placeText(place: Place, mainFile: string): string {
  return `${place.file ?? mainFile}:${place.line}:${place.column}`;
}

/** A button that names a place and, pressed, moves the editor there. */
export function placeButton(place: Place, mainFile: string, label = placeText(place, mainFile)): HTMLButtonElement {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "place";
  button.textContent = label;
  button.dataset.line = String(place.line);
  button.dataset.column = String(place.column);
  if (place.file) button.dataset.file = place.file;
  button.setAttribute("aria-label", `Go to ${placeText(place, mainFile)} in the editor`);
  return button;
}

/** The error block of the Response tab. */
export function renderError(target: HTMLElement, error: FormattedError, explanation: string | null, mainFile: string) {
  const title = document.createElement("p");
  title.className = "error-title";
  title.textContent = error.message;
  const parts: HTMLElement[] = [title];
  if (error.location) {
    const where = document.createElement("p");
    where.className = "error-where";
    where.append("At ", placeButton(error.location, mainFile));
    parts.push(where);
  }
  if (explanation) {
    const words = document.createElement("p");
    words.className = "error-explain";
    words.textContent = explanation;
    parts.push(words);
  }
  // The first frame is the location above; the rest are how the code got there.
  const calls = error.frames.slice(error.location ? 1 : 0);
  if (calls.length > 0) {
    const list = document.createElement("ol");
    list.className = "error-frames";
    list.setAttribute("aria-label", "Called from");
    for (const frame of calls) {
      const item = document.createElement("li");
      const label = frame.text.replace(/^at\s+/, "").replace(/\s*\(?[\w./@-]+:\d+:\d+\)?$/, "");
      item.append(label ? `${label} ` : "", placeButton(frame.place, mainFile));
      list.append(item);
    }
    parts.push(list);
  }
  target.replaceChildren(...parts);
  target.hidden = false;
}
