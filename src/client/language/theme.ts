import { HighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { Compartment, type Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { tags as t } from "@lezer/highlight";

/**
 * The editor's colours, light and dark, following the system's choice (prefers-color-scheme) as the
 * page does. Every token colour reaches 4.5:1 against the editor's background, its current line
 * and a marked error line (test/browser/editor.test.ts measures the rendered colours). The editor
 * owns its background, so the ratios hold whatever the page around it does.
 */
interface Palette {
  readonly background: string;
  readonly activeLine: string;
  readonly selection: string;
  readonly text: string;
  readonly keyword: string;
  readonly string: string;
  readonly number: string;
  readonly comment: string;
  readonly function: string;
  readonly property: string;
  readonly type: string;
  readonly regexp: string;
  readonly invalid: string;
  readonly errorLine: string;
  readonly errorMark: string;
}

const LIGHT: Palette = {
  background: "#f6f7f9",
  activeLine: "#eceef3",
  selection: "#c9d7f5",
  text: "#1b1c21",
  keyword: "#8a1fa8",
  string: "#0b6b2e",
  number: "#9a4a00",
  comment: "#5d6070",
  function: "#1f4fbf",
  property: "#0c5c78",
  type: "#a0236a",
  regexp: "#a3122b",
  invalid: "#b42318",
  errorLine: "#fde8e7",
  errorMark: "#b42318",
};

const DARK: Palette = {
  background: "#15161c",
  activeLine: "#1f2029",
  selection: "#33405e",
  text: "#e6e6ec",
  keyword: "#d7a6ff",
  string: "#9ee6a6",
  number: "#ffb86b",
  comment: "#a1a4b3",
  function: "#8fb8ff",
  property: "#7fd6e8",
  type: "#f5a3d0",
  regexp: "#ff9e9e",
  invalid: "#ff8a80",
  errorLine: "#3a1614",
  errorMark: "#ff8a80",
};

function highlighting(p: Palette): HighlightStyle {
  return HighlightStyle.define([
    { tag: [t.keyword, t.controlKeyword, t.moduleKeyword, t.operatorKeyword, t.definitionKeyword], color: p.keyword },
    { tag: [t.string, t.special(t.string), t.character, t.docString], color: p.string },
    { tag: [t.number, t.bool, t.null, t.atom, t.unit, t.constant(t.name)], color: p.number },
    { tag: [t.comment, t.lineComment, t.blockComment, t.docComment], color: p.comment, fontStyle: "italic" },
    {
      tag: [t.function(t.variableName), t.function(t.propertyName), t.definition(t.function(t.variableName))],
      color: p.function,
    },
    { tag: [t.propertyName, t.definition(t.propertyName), t.attributeName], color: p.property },
    { tag: [t.typeName, t.className, t.namespace, t.tagName, t.self], color: p.type },
    { tag: [t.regexp, t.escape], color: p.regexp },
    {
      tag: [t.variableName, t.definition(t.variableName), t.labelName, t.operator, t.punctuation, t.bracket, t.meta],
      color: p.text,
    },
    { tag: t.invalid, color: p.invalid },
    { tag: t.strong, fontWeight: "bold" },
    { tag: t.emphasis, fontStyle: "italic" },
    { tag: t.link, color: p.function, textDecoration: "underline" },
  ]);
}

function chrome(p: Palette, dark: boolean): Extension {
  return EditorView.theme(
    {
      // Two classes: above the page's own `.cm-editor` rule, whichever loads last.
      "&.cm-editor": { backgroundColor: p.background, color: p.text },
      "& .cm-content": { caretColor: p.text },
      "& .cm-cursor, & .cm-dropCursor": { borderLeftColor: p.text },
      "& .cm-activeLine": { backgroundColor: p.activeLine },
      "&.cm-focused .cm-selectionBackground, & .cm-selectionBackground, & .cm-content ::selection": {
        backgroundColor: p.selection,
      },
      // The error's line keeps its colour and its mark on the current line too.
      "& .cm-line.cm-error-line, & .cm-activeLine.cm-error-line": {
        backgroundColor: p.errorLine,
        boxShadow: `inset 3px 0 0 ${p.errorMark}`,
      },
      "& .cm-tooltip": { backgroundColor: p.background, color: p.text, border: `1px solid ${p.comment}` },
      "& .cm-tooltip-hover": { padding: "4px 8px", fontFamily: "var(--mono, monospace)", maxWidth: "40rem" },
      "& .cm-tooltip-autocomplete > ul > li[aria-selected]": { backgroundColor: p.selection, color: p.text },
      "& .cm-completionDetail, & .cm-completionMatchedText": { color: p.text },
      "& .cm-diagnostic": { color: p.text },
      "& .quick-info-keyword": { color: p.keyword },
      "& .quick-info-interfaceName, & .quick-info-className, & .quick-info-aliasName": { color: p.type },
      "& .quick-info-stringLiteral": { color: p.string },
      "& .quick-info-numericLiteral": { color: p.number },
      "& .quick-info-functionName, & .quick-info-methodName": { color: p.function },
      "& .quick-info-propertyName": { color: p.property },
    },
    { dark },
  );
}

const schemes = {
  light: [chrome(LIGHT, false), syntaxHighlighting(highlighting(LIGHT))],
  dark: [chrome(DARK, true), syntaxHighlighting(highlighting(DARK))],
};

const DARK_QUERY = "(prefers-color-scheme: dark)";

/** The theme for the system's scheme now, kept in step when the system's choice changes. */
export function followColorScheme(view: () => EditorView | undefined): Extension {
  const compartment = new Compartment();
  const media = window.matchMedia(DARK_QUERY);
  media.addEventListener("change", () => {
    view()?.dispatch({ effects: compartment.reconfigure(schemes[media.matches ? "dark" : "light"]) });
  });
  return compartment.of(schemes[media.matches ? "dark" : "light"]);
}
