/**
 * Marks the line of the user's code an error points at: a band behind that line of the textarea,
 * and a line under the editor that says where, which moves the caret there when clicked.
 */
export interface ErrorLocation {
  readonly line: number;
  readonly column: number;
}

export function errorMarker(code: HTMLTextAreaElement, band: HTMLElement, caption: HTMLElement) {
  let current: ErrorLocation | null = null;

  function place() {
    if (!current) return;
    const style = getComputedStyle(code);
    const lineHeight = Number.parseFloat(style.lineHeight);
    const top = Number.parseFloat(style.paddingTop) + (current.line - 1) * lineHeight - code.scrollTop;
    band.style.top = `${top}px`;
    band.style.height = `${lineHeight}px`;
    band.hidden = top < 0 || top > code.clientHeight;
  }

  function caretTo(location: ErrorLocation) {
    const lines = code.value.split("\n");
    const before = lines.slice(0, location.line - 1).reduce((sum, text) => sum + text.length + 1, 0);
    const offset = Math.min(before + location.column - 1, code.value.length);
    code.focus();
    code.setSelectionRange(offset, offset);
  }

  code.addEventListener("scroll", place);
  code.addEventListener("input", () => show(null));
  caption.addEventListener("click", () => current && caretTo(current));

  function show(location: ErrorLocation | null, message = "") {
    current = location;
    band.hidden = location === null;
    caption.hidden = location === null;
    if (!location) return;
    caption.textContent = `Line ${location.line}, column ${location.column}: ${message}`;
    caption.title = "Move the cursor to this position";
    place();
  }

  return { show };
}
