import type { EditorView } from "@codemirror/view";
import * as babel from "prettier/plugins/babel";
import * as estree from "prettier/plugins/estree";
import { formatWithCursor } from "prettier/standalone";

/**
 * Prettier's standalone build formats the file on screen (Shift+Alt+F), with Babel's parser for
 * JavaScript and TypeScript alike. Loaded the first time it is asked for. Code that does not parse
 * is left as it is: the diagnostics already say why.
 */
export async function formatDocument(view: EditorView, typescript: boolean): Promise<boolean> {
  const code = view.state.doc.toString();
  const cursorOffset = view.state.selection.main.head;
  let formatted: { formatted: string; cursorOffset: number };
  try {
    formatted = await formatWithCursor(code, {
      parser: typescript ? "babel-ts" : "babel",
      plugins: [babel, estree],
      cursorOffset,
    });
  } catch {
    return false;
  }
  // The text may have changed while Prettier ran; then this result is for text no longer there.
  if (view.state.doc.toString() !== code || formatted.formatted === code) return false;
  view.dispatch({
    changes: { from: 0, to: code.length, insert: formatted.formatted },
    selection: { anchor: Math.max(0, Math.min(formatted.cursorOffset, formatted.formatted.length)) },
    scrollIntoView: true,
  });
  return true;
}
