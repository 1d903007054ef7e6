import { indentWithTab } from "@codemirror/commands";
import { javascript } from "@codemirror/lang-javascript";
import { Prec, StateEffect, StateField } from "@codemirror/state";
import { Decoration, type DecorationSet, EditorView, keymap } from "@codemirror/view";
import { basicSetup } from "codemirror";

/**
 * The code editor: CodeMirror 6 in place of the page's textarea, which stays in the form, hidden,
 * holding the same text. JavaScript and TypeScript highlighting, line numbers, bracket matching,
 * Tab indents (Esc, then Tab, leaves the editor), Ctrl/Cmd+Enter runs, and an error's line marked.
 */
export interface ErrorLocation {
  readonly line: number;
  readonly column: number;
}

const setErrorLine = StateEffect.define<number | null>();
const errorLine = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(decorations, transaction) {
    let next = decorations.map(transaction.changes);
    for (const effect of transaction.effects) {
      if (!effect.is(setErrorLine)) continue;
      const line = effect.value;
      next =
        line === null || line > transaction.state.doc.lines
          ? Decoration.none
          : Decoration.set([Decoration.line({ class: "cm-error-line" }).range(transaction.state.doc.line(line).from)]);
    }
    // Editing the code clears the mark: it points at code that is no longer there.
    return transaction.docChanged ? Decoration.none : next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

export function createEditor(textarea: HTMLTextAreaElement, caption: HTMLElement, onRun: () => void) {
  const view = new EditorView({
    doc: textarea.value,
    extensions: [
      // Our CSP allows the editor's style element only with this page's nonce.
      EditorView.cspNonce.of(document.querySelector<HTMLMetaElement>('meta[name="style-nonce"]')?.content ?? ""),
      basicSetup,
      javascript({ typescript: true }),
      // Above basicSetup's own Mod-Enter (insert a blank line): here it runs the program.
      Prec.highest(
        keymap.of([
          {
            key: "Mod-Enter",
            run: () => {
              onRun();
              return true;
            },
          },
        ]),
      ),
      keymap.of([indentWithTab]),
      errorLine,
      EditorView.contentAttributes.of({ "aria-label": "Code", "aria-describedby": "editor-help error-at" }),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        textarea.value = update.state.doc.toString();
        caption.hidden = true;
      }),
    ],
  });
  textarea.hidden = true;
  textarea.after(view.dom);

  let current: ErrorLocation | null = null;
  caption.addEventListener("click", () => {
    if (!current || current.line > view.state.doc.lines) return;
    const line = view.state.doc.line(current.line);
    view.dispatch({ selection: { anchor: Math.min(line.from + current.column - 1, line.to) }, scrollIntoView: true });
    view.focus();
  });

  return {
    get value() {
      return view.state.doc.toString();
    },
    set value(text: string) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    focus() {
      view.focus();
    },
    /** Marks the line an error points at and says where, or clears both. */
    showError(location: ErrorLocation | null, message = "") {
      current = location;
      view.dispatch({ effects: setErrorLine.of(location?.line ?? null) });
      caption.hidden = location === null;
      if (location) caption.textContent = `Line ${location.line}, column ${location.column}: ${message}`;
    },
  };
}
