import { createSystem, createVirtualTypeScriptEnvironment } from "@typescript/vfs";
import { getAutocompletion, getHover, getLints } from "@valtown/codemirror-ts/worker";
import ts from "typescript";
import { MODULE_GLOBALS, SNIPPET_GLOBALS } from "./ambient";
import { type ProgramView, programView } from "./program-view";
import type { LanguageContext, LanguageRequests, LintResult, ReplyMessage, RequestMessage } from "./protocol";
import typeLibraries from "./type-libraries";

/**
 * TypeScript's language service, off the page's main thread. Its files: the TypeScript libs and the
 * Workers types (bundled, never fetched), what a snippet or a module gets from Promptlog, and the
 * program's own files under "/".
 */
const SNIPPET_FILE = "/promptlog-snippet.d.ts";
const MODULE_FILE = "/promptlog-module.d.ts";
const WORKERS_FILE = "/workers-types.d.ts";

/**
 * Never worth a red line here: a snippet's top-level `return` (it is a function body), and npm
 * imports, which are installed at submit time and have no types in the browser.
 */
const SNIPPET_IGNORED = [1108];
const ALWAYS_IGNORED = [2307, 2792, 7016];
const CODE_FILE = /\.(?:ts|tsx|js|mjs|jsx)$/;

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  // Every file is a module: a snippet's own declarations stay its own, and top-level await is fine.
  moduleDetection: ts.ModuleDetectionKind.Force,
  // No DOM: a program runs in a Workers isolate, whose globals come from the Workers types.
  lib: ["lib.es2023.d.ts"],
  types: [],
  strict: true,
  allowJs: true,
  checkJs: false,
  resolveJsonModule: true,
  allowImportingTsExtensions: true,
  noEmit: true,
  skipLibCheck: true,
};

const files = new Map<string, string>(Object.entries(typeLibraries));
files.set(SNIPPET_FILE, SNIPPET_GLOBALS);
files.set(MODULE_FILE, MODULE_GLOBALS);
const env = createVirtualTypeScriptEnvironment(
  createSystem(files),
  [WORKERS_FILE, SNIPPET_FILE, MODULE_FILE],
  ts,
  compilerOptions,
);

let context: LanguageContext = { path: "index.js", kind: "snippet", files: {} };
/** The file on screen as the service reads it, and as the editor holds it. */
let view: ProgramView = programView("/index.js", "snippet", "");
let editorText = "";
/** The program's files in the service, so that a file the program drops is dropped here too. */
const programFiles = new Set<string>();

const servicePath = (path: string) => `/${path.replace(/^\/+/, "")}`;

function writeFile(path: string, code: string) {
  // The service keeps no empty file as a source file; one space reads the same.
  if (env.sys.fileExists(path)) env.updateFile(path, code || " ");
  else env.createFile(path, code || " ");
}

function showFile(code: string) {
  const path = servicePath(context.path);
  editorText = code;
  view = programView(path, context.kind, code);
  writeFile(path, view.text);
  programFiles.add(path);
}

const requests: LanguageRequests = {
  setContext(next) {
    context = next;
    // A snippet's prompt and result exist only in snippets.
    env.updateFile(SNIPPET_FILE, next.kind === "snippet" ? SNIPPET_GLOBALS : " ");
    const onScreen = servicePath(next.path);
    const wanted = new Set([onScreen, ...Object.keys(next.files).map(servicePath)]);
    for (const path of programFiles) if (!wanted.has(path)) env.deleteFile(path);
    programFiles.clear();
    for (const [path, code] of Object.entries(next.files)) {
      if (servicePath(path) === onScreen) continue;
      writeFile(servicePath(path), code);
      programFiles.add(servicePath(path));
    }
    showFile(editorText);
  },
  updateFile({ code }) {
    showFile(code);
  },
  getLints() {
    const path = servicePath(context.path);
    if (!CODE_FILE.test(path)) return [];
    const ignored = [...ALWAYS_IGNORED, ...(context.kind === "snippet" ? SNIPPET_IGNORED : [])];
    return getLints({ env, path, diagnosticCodesToIgnore: ignored }).map(
      (lint): LintResult => ({
        from: Math.min(view.toEditor(lint.from), editorText.length),
        to: Math.min(view.toEditor(lint.to), editorText.length),
        message: lint.message,
        severity: lint.severity,
      }),
    );
  },
  async getAutocompletion({ context: at }) {
    const answer = await getAutocompletion({
      env,
      path: servicePath(context.path),
      context: { pos: view.toService(at.pos), explicit: at.explicit },
      // Globals (prompt, fetch, Response) sort after locals: offer them once a word is being typed.
      keepLegacyLimitationForAutocompletionSymbols: false,
    });
    if (!answer) return null;
    return {
      from: view.toEditor(answer.from),
      options: answer.options.map(({ label, type, boost }) => ({ label, type, boost })),
    };
  },
  getHover({ pos }) {
    const hover = getHover({ env, path: servicePath(context.path), pos: view.toService(pos) });
    if (!hover) return null;
    const parts = hover.quickInfo?.displayParts?.map(({ text, kind }) => ({ text, kind })) ?? [];
    return { start: view.toEditor(hover.start), end: view.toEditor(hover.end), quickInfo: { displayParts: parts } };
  },
};

/** This worker's global scope, typed as much as it is used (the bundle's types are the page's). */
const scope = self as unknown as {
  postMessage(message: ReplyMessage): void;
  addEventListener(type: "message", listener: (event: MessageEvent<RequestMessage>) => void): void;
};

scope.addEventListener("message", async (event) => {
  const { id, method, args } = event.data;
  try {
    const handler = requests[method] as (args: unknown) => unknown;
    scope.postMessage({ id, result: await handler(args) });
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
