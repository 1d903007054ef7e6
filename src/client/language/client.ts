import { autocompletion } from "@codemirror/autocomplete";
import { forceLinting, linter } from "@codemirror/lint";
import type { Extension } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { tsAutocompleteWorker, tsFacetWorker, tsHoverWorker } from "@valtown/codemirror-ts";
import type { WorkerShape } from "@valtown/codemirror-ts/worker";
import type { LanguageContext, LanguageRequests, ReplyMessage } from "./protocol";
import { LANGUAGE_WORKER_URL } from "./worker-url";

/**
 * The page's side of the language service: the worker behind a promise per request, and the
 * CodeMirror extensions (from @valtown/codemirror-ts) that ask it for completions, hover types and
 * diagnostics. Loaded after the page's first paint; nothing here ever stops a run.
 */
type Remote = { [K in keyof LanguageRequests]: (args: Parameters<LanguageRequests[K]>[0]) => Promise<unknown> };

export interface LanguageService {
  /** Settles when the worker has answered once (it has read the libs), or has failed to start. */
  readonly ready: Promise<void>;
  /** The extensions for the file at `path`. */
  extensions(path: string): Extension;
  /** The program around the file on screen changed (its path, kind or other files). */
  setContext(view: EditorView, context: LanguageContext): void;
}

export function startLanguageService(): LanguageService {
  const worker = new Worker(LANGUAGE_WORKER_URL, { type: "module", name: "promptlog-language" });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let broken: Error | undefined;
  let answered: () => void = () => {};
  let failed: (error: Error) => void = () => {};
  const ready = new Promise<void>((resolve, reject) => {
    answered = resolve;
    failed = reject;
  });
  // A worker that cannot load (its script missing, refused) answers nothing: every question fails.
  worker.addEventListener("error", (event) => {
    event.preventDefault();
    broken = new Error(`the language worker stopped: ${event.message || "it did not load"}`);
    failed(broken);
    for (const waiting of pending.values()) waiting.reject(broken);
    pending.clear();
  });
  worker.addEventListener("message", (event: MessageEvent<ReplyMessage>) => {
    const reply = event.data;
    answered();
    const waiting = pending.get(reply.id);
    if (!waiting) return;
    pending.delete(reply.id);
    if ("error" in reply) waiting.reject(new Error(reply.error));
    else waiting.resolve(reply.result);
  });
  const call = (method: keyof LanguageRequests) => (args: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      if (broken) return reject(broken);
      const id = nextId++;
      pending.set(id, { resolve, reject });
      worker.postMessage({ id, method, args });
    });
  const remote: Remote = {
    setContext: call("setContext"),
    updateFile: call("updateFile"),
    getLints: call("getLints"),
    getAutocompletion: call("getAutocompletion"),
    getHover: call("getHover"),
  };
  // A failed answer is no answer: the editor goes on without it.
  const quiet = <T>(promise: Promise<unknown>, fallback: T) =>
    promise.then((value) => value as T).catch(() => fallback);
  const shape = {
    updateFile: (args: { path: string; code: string }) => quiet(remote.updateFile(args), undefined),
    getLints: (args: { path: string; diagnosticCodesToIgnore: number[] }) => quiet(remote.getLints(args), []),
    getAutocompletion: (args: { path: string; context: { pos: number; explicit: boolean } }) =>
      quiet(remote.getAutocompletion(args), null),
    getHover: (args: { path: string; pos: number }) => quiet(remote.getHover(args), null),
  } as unknown as WorkerShape;

  return {
    ready,
    extensions(path) {
      return [
        tsFacetWorker.of({ worker: shape, path }),
        // The editor's text goes to the worker on every change, before any question about it.
        EditorView.updateListener.of((update) => {
          if (update.docChanged) void shape.updateFile({ path, code: update.state.doc.toString() });
        }),
        linter(
          async (view) => {
            const lints = (await shape.getLints({ path, diagnosticCodesToIgnore: [] })) as Awaited<
              ReturnType<LanguageRequests["getLints"]>
            >;
            const length = view.state.doc.length;
            return lints.map((lint) => ({ ...lint, from: Math.min(lint.from, length), to: Math.min(lint.to, length) }));
          },
          { delay: 300 },
        ),
        autocompletion({ override: [tsAutocompleteWorker()] }),
        tsHoverWorker(),
      ];
    },
    setContext(view, context) {
      void remote.setContext(context).catch(() => {});
      void shape.updateFile({ path: context.path, code: view.state.doc.toString() });
      forceLinting(view);
    },
  };
}
