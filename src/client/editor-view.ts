import { Compartment, StateEffect } from "@codemirror/state";
import { EditorView } from "@codemirror/view";

/**
 * What the page needs of the code editor beyond what editor.ts exports: to hear about edits and to
 * jump to a position. Reached through CodeMirror's own view of the DOM, so editor.ts stays free to
 * change how it builds the editor.
 */
export function editorView(host: HTMLElement): EditorView | null {
  const dom = host.querySelector<HTMLElement>(".cm-editor");
  return dom ? EditorView.findFromDOM(dom) : null;
}

/** Calls `listener` after every change to the text. */
export function onDocChange(view: EditorView, listener: () => void) {
  view.dispatch({
    effects: StateEffect.appendConfig.of(
      EditorView.updateListener.of((update) => {
        if (update.docChanged) listener();
      }),
    ),
  });
}

/** Puts the cursor at a line and column (both from 1), scrolls there and focuses the editor. */
export function goTo(view: EditorView, line: number, column: number) {
  const doc = view.state.doc;
  const target = doc.line(Math.min(Math.max(line, 1), doc.lines));
  const anchor = Math.min(target.from + Math.max(column, 1) - 1, target.to);
  view.dispatch({ selection: { anchor }, scrollIntoView: true });
  view.focus();
}

/**
 * Wraps long lines while `query` matches (a phone's width): a 375 px editor that scrolls sideways
 * hides half of each line, and a scroller whose only focusable content is contenteditable is a
 * region the keyboard cannot scroll (axe's scrollable-region-focusable).
 */
export function wrapLinesWhen(view: EditorView, query: MediaQueryList) {
  const wrapping = new Compartment();
  const apply = () => (query.matches ? EditorView.lineWrapping : []);
  view.dispatch({ effects: StateEffect.appendConfig.of(wrapping.of(apply())) });
  query.addEventListener("change", () => view.dispatch({ effects: wrapping.reconfigure(apply()) }));
}
