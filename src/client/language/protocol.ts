/**
 * What the page and the language worker say to each other. The worker holds TypeScript's language
 * service; the page sends it the file on screen and the program around it, and asks for lints,
 * completions and hover types by position in the editor's own text.
 */

/** A snippet is a function body with `prompt` in scope; a module has a default export. */
export type ProgramKind = "snippet" | "module";

/** The program around the file on screen. */
export interface LanguageContext {
  /** The file on screen, as the program names it, e.g. "index.ts" or "src/util.ts". */
  readonly path: string;
  readonly kind: ProgramKind;
  /** The program's other files by path, so that imports between them resolve. */
  readonly files: Readonly<Record<string, string>>;
}

/** The worker's methods; the page calls each as `(args) => Promise<answer>`. */
export interface LanguageRequests {
  setContext(context: LanguageContext): void;
  updateFile(args: { path: string; code: string }): void;
  getLints(args: { path: string; diagnosticCodesToIgnore: number[] }): LintResult[];
  getAutocompletion(args: {
    path: string;
    context: { pos: number; explicit: boolean };
  }): Promise<CompletionAnswer | null>;
  getHover(args: { path: string; pos: number }): HoverAnswer | null;
}

export interface LintResult {
  readonly from: number;
  readonly to: number;
  readonly message: string;
  readonly severity: "error" | "warning" | "info" | "hint";
}

export interface CompletionAnswer {
  readonly from: number;
  readonly options: readonly { label: string; type?: string | undefined; boost?: number | undefined }[];
}

export interface HoverAnswer {
  readonly start: number;
  readonly end: number;
  readonly quickInfo: { displayParts?: readonly { text: string; kind: string }[] } | undefined;
}

export type RequestMessage = {
  [K in keyof LanguageRequests]: { id: number; method: K; args: Parameters<LanguageRequests[K]>[0] };
}[keyof LanguageRequests];

export type ReplyMessage = { id: number; result: unknown } | { id: number; error: string };
