import { indentWithTab } from "@codemirror/commands";
import { javascript } from "@codemirror/lang-javascript";
import { Compartment, Prec, StateEffect, StateField } from "@codemirror/state";
import { Decoration, type DecorationSet, EditorView, keymap } from "@codemirror/view";
import { basicSetup } from "codemirror";
import type { LanguageService } from "./language/client";
import { isTypeScript } from "./language/program-view";
import type { LanguageContext, ProgramKind } from "./language/protocol";
import { followColorScheme } from "./language/theme";

/**
 * The code editor: CodeMirror 6 in place of the page's textarea, which stays in the form, hidden,
 * holding the same text. JavaScript and TypeScript highlighting in light and dark colours, line
 * numbers, bracket matching, Tab indents (Esc, then Tab, leaves the editor), Ctrl/Cmd+Enter runs,
 * Shift+Alt+F formats (Prettier), and an error's line marked. After the page's first paint,
 * TypeScript's language service starts in a worker (./language): completions, hover types and
 * diagnostics, none of which ever stops a run.
 */
export interface ErrorLocation {
  readonly line: number;
  readonly column: number;
}

/** The program the editor's file belongs to. `mode` "" is auto-detect, as in the page's picker. */
export interface EditorProgram {
  /** The file on screen, e.g. "index.ts" or "src/util.ts". */
  readonly path: string;
  readonly mode: "" | ProgramKind;
  /** The program's files by path (the one on screen may be among them, and is then ignored). */
  readonly files?: Readonly<Record<string, string>>;
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

const NO_FILES: Readonly<Record<string, string>> = {};

/** A program with a default export is a module, as the server's auto-detect decides. */
const DEFAULT_EXPORT = /^\s*export\s+default\b/m;

function kindOf(program: EditorProgram, code: string): ProgramKind {
  if (program.mode) return program.mode;
  if (Object.keys(program.files ?? {}).some((path) => path !== program.path)) return "module";
  return DEFAULT_EXPORT.test(code) ? "module" : "snippet";
}

/** Until the page says otherwise (setProgram): one file, named by the page's language and mode pickers. */
function programFromPage(): EditorProgram {
  const language = document.getElementById("language") as HTMLSelectElement | null;
  const mode = document.getElementById("mode") as HTMLSelectElement | null;
  const chosen = mode?.value;
  return {
    path: `index.${language?.value === "ts" ? "ts" : "js"}`,
    mode: chosen === "snippet" || chosen === "module" ? chosen : "",
  };
}

/** After the page's first paint: the language service is not part of what the page needs to show. */
function afterFirstPaint(run: () => void) {
  requestAnimationFrame(() => setTimeout(run, 0));
}

export function createEditor(textarea: HTMLTextAreaElement, caption: HTMLElement, onRun: () => void) {
  let view: EditorView | undefined;
  const languageService = new Compartment();
  let service: LanguageService | undefined;
  let program: EditorProgram = programFromPage();
  let programSetByPage = false;
  let sent: LanguageContext | undefined;

  function context(): LanguageContext {
    const code = view?.state.doc.toString() ?? textarea.value;
    return { path: program.path, kind: kindOf(program, code), files: program.files ?? NO_FILES };
  }

  /** Tells the worker about the program when what it knows has changed. */
  function syncContext() {
    if (!service || !view) return;
    const next = context();
    if (sent && sent.path === next.path && sent.kind === next.kind && sent.files === next.files) return;
    if (sent?.path !== next.path)
      view.dispatch({ effects: languageService.reconfigure(service.extensions(next.path)) });
    sent = next;
    service.setContext(view, next);
  }

  function format() {
    const target = view;
    if (!target) return false;
    void import("./language/format").then(({ formatDocument }) => formatDocument(target, isTypeScript(program.path)));
    return true;
  }

  view = new EditorView({
    doc: textarea.value,
    extensions: [
      // Our CSP allows the editor's style element only with this page's nonce.
      EditorView.cspNonce.of(document.querySelector<HTMLMetaElement>('meta[name="style-nonce"]')?.content ?? ""),
      basicSetup,
      javascript({ typescript: true }),
      followColorScheme(() => view),
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
          { key: "Shift-Alt-f", run: format },
        ]),
      ),
      keymap.of([indentWithTab]),
      errorLine,
      languageService.of([]),
      EditorView.contentAttributes.of({ "aria-label": "Code", "aria-describedby": "editor-help error-at" }),
      EditorView.updateListener.of((update) => {
        if (!update.docChanged) return;
        textarea.value = update.state.doc.toString();
        caption.hidden = true;
        // Typing `export default` makes an auto-detected snippet a module, and back.
        syncContext();
      }),
    ],
  });
  textarea.hidden = true;
  textarea.after(view.dom);
  const editorView = view;

  // The page's pickers, until the page tells the editor about its program itself.
  document.addEventListener("change", (event) => {
    const id = (event.target as HTMLElement | null)?.id;
    if (programSetByPage || (id !== "language" && id !== "mode")) return;
    program = programFromPage();
    syncContext();
  });

  editorView.dom.dataset.language = "loading";
  afterFirstPaint(() => {
    import("./language/client")
      .then(({ startLanguageService }) => {
        service = startLanguageService();
        syncContext();
        return service.ready;
      })
      .then(() => {
        editorView.dom.dataset.language = "ready";
      })
      .catch(() => {
        // Without the language service the editor is the plain one: nothing else depends on it.
        editorView.dom.dataset.language = "unavailable";
      });
  });

  let current: ErrorLocation | null = null;
  caption.addEventListener("click", () => {
    if (!current || current.line > editorView.state.doc.lines) return;
    const line = editorView.state.doc.line(current.line);
    editorView.dispatch({
      selection: { anchor: Math.min(line.from + current.column - 1, line.to) },
      scrollIntoView: true,
    });
    editorView.focus();
  });

  return {
    get value() {
      return editorView.state.doc.toString();
    },
    set value(text: string) {
      editorView.dispatch({ changes: { from: 0, to: editorView.state.doc.length, insert: text } });
    },
    focus() {
      editorView.focus();
    },
    /** Marks the line an error points at and says where, or clears both. */
    showError(location: ErrorLocation | null, message = "") {
      current = location;
      editorView.dispatch({ effects: setErrorLine.of(location?.line ?? null) });
      caption.hidden = location === null;
      if (location) caption.textContent = `Line ${location.line}, column ${location.column}: ${message}`;
    },
    /**
     * Which file the editor shows and the program around it, for the language service: call it when
     * the file on screen, the mode or the other files change. Until it is first called, the editor
     * reads the page's language and mode pickers.
     */
    setProgram(next: EditorProgram) {
      programSetByPage = true;
      program = next;
      syncContext();
    },
    /** Formats the code with Prettier, as Shift+Alt+F does. */
    format,
  };
}
