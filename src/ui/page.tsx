import type { HistoryEntry } from "../base/answers";
import type { Program } from "../base/program";
import { ASSETS } from "./assets";
import type { Example } from "./examples";
import { historyMeta } from "./history-meta";

interface PageProps {
  readonly examples: readonly Example[];
  readonly history: readonly HistoryEntry[];
  readonly runnable: boolean;
  /** A shared program (/s/<hash>) to open instead of the first example. */
  readonly shared?: { readonly hash: string; readonly program: Program } | undefined;
  /** Said at the top of the page, e.g. that a shared program does not exist. */
  readonly notice?: string | undefined;
  /** This response's CSP nonce for the editor's own style element. */
  readonly styleNonce: string;
  /** Where HTML answers are previewed with their own scripts (RUN_ORIGIN); null: sandboxed here. */
  readonly runOrigin: string | null;
}

/**
 * The playground page: a toolbar that always holds Run, then the code and the output side by side
 * (tabs on a phone). All behaviour lives in the client bundle (ASSETS.script); nothing here is inline script. The
 * layout and every control are described in docs/playground.md.
 */
export function PlaygroundPage({ examples, history, runnable, shared, notice, styleNonce, runOrigin }: PageProps) {
  const first = examples[0];
  const start = shared
    ? { code: shared.program.files?.[shared.program.main ?? ""] ?? shared.program.code, prompt: "", body: "" }
    : { code: first?.code ?? "", prompt: first?.prompt ?? "", body: first?.body ?? "" };
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="style-nonce" content={styleNonce} />
        <title>Promptlog · run JavaScript in a sandboxed isolate</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href={ASSETS.style} />
        {ASSETS.preload.map((href) => (
          <link rel="modulepreload" href={href} />
        ))}
        <script type="module" src={ASSETS.script} />
      </head>
      <body>
        <a class="skip-link" href="#code-label">
          Skip to the code
        </a>
        <header class="toolbar">
          <a class="brand" href="/">
            <img src="/favicon.svg" alt="" width="24" height="24" />
            <h1 class="brand-name">Promptlog</h1>
          </a>
          <div class="menu" id="examples">
            <button
              type="button"
              id="examples-button"
              class="tool-button"
              aria-haspopup="menu"
              aria-expanded="false"
              aria-controls="examples-menu"
            >
              Examples <span aria-hidden="true">▾</span>
            </button>
            <div id="examples-menu" class="menu-list" role="menu" aria-labelledby="examples-button" hidden>
              {examples.map((example) => (
                <button
                  type="button"
                  role="menuitem"
                  tabindex={-1}
                  class="menu-item"
                  data-example={example.id}
                  data-code={example.code}
                  data-prompt={example.prompt}
                  data-body={example.body ?? ""}
                >
                  <span class="menu-item-title">
                    {example.title} <span class="chip-mode">{example.mode}</span>
                  </span>
                  <span class="menu-item-description">{example.description}</span>
                </button>
              ))}
            </div>
          </div>
          <label class="mode">
            <span class="sr-only">Mode</span>
            <select id="mode" name="mode" form="run-form" aria-describedby="mode-warning">
              <option value="">Auto-detect</option>
              <option value="snippet">Snippet</option>
              <option value="module">Module</option>
            </select>
          </label>
          <div class="run-controls">
            <button id="run" class="run" type="submit" form="run-form" aria-keyshortcuts="Control+Enter Meta+Enter">
              Run <kbd class="shortcut">Ctrl+Enter</kbd>
            </button>
            <button id="stop" class="stop" type="button" hidden>
              Stop
            </button>
            <span id="elapsed" class="elapsed" role="timer" aria-live="off" />
          </div>
          {/* The settings end of the toolbar: API tokens, in their own dialog (src/client/app.ts mounts the panel). */}
          <div class="toolbar-end" id="toolbar-end">
            <button
              type="button"
              id="tokens-button"
              class="tool-button"
              aria-haspopup="dialog"
              aria-controls="tokens-dialog"
            >
              API tokens
            </button>
          </div>
        </header>
        <main class="main">
          {runnable ? null : (
            <p class="notice" role="status">
              This deployment has no Worker Loader: you can write and submit programs and see your history, but running
              them answers 503.
            </p>
          )}
          {notice ? (
            <p class="notice" role="alert">
              {notice}
            </p>
          ) : null}
          <div class="view-tabs" role="tablist" aria-label="View" id="view-tabs">
            <button type="button" role="tab" id="view-code" aria-controls="pane-code" aria-selected="true">
              Code
            </button>
            <button
              type="button"
              role="tab"
              id="view-output"
              aria-controls="pane-output"
              aria-selected="false"
              tabindex={-1}
            >
              Output
            </button>
          </div>
          <div class="workspace" id="workspace" data-view="code">
            <section class="pane pane-code" id="pane-code" aria-labelledby="code-title">
              <h2 id="code-title" class="sr-only">
                Program
              </h2>
              <form
                id="run-form"
                class="run-form"
                method="post"
                action="/submit"
                data-program={startProgram(shared)}
                data-shared-hash={shared?.hash}
                data-shared-mode={shared?.program.mode}
              >
                <div class="file-bar">
                  <nav id="file-tabs" class="file-tabs" aria-label="Files" />
                  <button type="button" id="add-file" class="add-file">
                    + File
                  </button>
                  <label class="language">
                    <span class="field-label">Language</span>
                    <select id="language" name="language">
                      <option value="js">JavaScript</option>
                      <option value="ts">TypeScript</option>
                    </select>
                  </label>
                  {shared ? <span class="muted shared-from">Shared program {shared.hash.slice(0, 12)}…</span> : null}
                </div>
                <div id="mode-warning" class="mode-warning" role="status" hidden>
                  <span id="mode-warning-text" />{" "}
                  <button type="button" id="mode-fix" class="fix-button">
                    Use auto-detect
                  </button>
                </div>
                {/* Right before the editor: the skip link lands here, and Tab goes on into the code. */}
                <label class="sr-only" id="code-label" for="code" tabindex={-1}>
                  Code
                </label>
                <div class="editor-host" id="editor-host">
                  <textarea id="code" name="code" spellcheck={false} autocomplete="off" wrap="off" rows={14} required>
                    {start.code}
                  </textarea>
                </div>
                <p id="error-at" class="error-at" role="status" hidden />
                <p id="editor-help" class="hint">
                  Tab indents; press Esc, then Tab, to leave the editor. Ctrl/Cmd+Enter runs.
                </p>
                <div class="request">
                  <label class="prompt">
                    <span class="field-label">Prompt</span>
                    <input id="prompt" name="prompt" type="text" value={start.prompt} autocomplete="off" />
                  </label>
                  <details id="body-details" class="body-details" open={start.body !== ""}>
                    <summary>Request body (sends the run as POST)</summary>
                    <label class="field-label" for="body">
                      Body, sent as JSON when it parses as JSON, else as text
                    </label>
                    <textarea id="body" name="body" spellcheck={false} rows={4}>
                      {start.body}
                    </textarea>
                  </details>
                </div>
                <details class="hint help">
                  <summary>Snippet or module?</summary>
                  <p>
                    A <strong>snippet</strong> is the body of an async function with <code>prompt</code> in scope;
                    assign <code>result</code> or return a value. A <strong>module</strong> has a default export with{" "}
                    <code>fetch(request, env)</code>; the prompt arrives as <code>?q=</code>, and <code>env.STORE</code>{" "}
                    keeps state between runs. Auto-detect tells them apart by the default export.
                  </p>
                </details>
              </form>
            </section>

            {/* biome-ignore lint/a11y/useSemanticElements: a divider that is focused and dragged; <hr> is neither. */}
            <div
              class="splitter"
              id="splitter"
              role="separator"
              aria-orientation="vertical"
              aria-controls="pane-code"
              aria-label="Resize the code and output panes"
              aria-valuemin={20}
              aria-valuemax={80}
              aria-valuenow={50}
              tabindex={0}
            />

            <section class="pane pane-output" id="pane-output" aria-labelledby="output-title">
              <div class="output-head">
                <h2 id="output-title">Output</h2>
                <p class="meta" id="run-meta" aria-live="polite">
                  <span id="status" class="badge" data-state="idle">
                    Not run yet
                  </span>
                  <span id="outcome" class="muted" />
                  <span id="time" class="muted" />
                  <span id="stale" class="badge" data-state="busy" hidden>
                    Stale: the code or prompt changed since this run
                  </span>
                </p>
              </div>
              <div id="ready" class="ready" hidden>
                <p id="ready-text" />
                <button type="button" id="ready-run" class="run">
                  Run
                </button>
              </div>
              <div id="program-link" class="program-link" hidden>
                <span>
                  Run URL:{" "}
                  <a id="program-url" href="/">
                    /run/…
                  </a>
                </span>
                <span class="link-actions">
                  <button type="button" class="link-button" data-copy="run-url">
                    Copy run URL
                  </button>
                  <a id="share-url" class="link-button" href="/">
                    Share link
                  </a>
                  <button type="button" class="link-button" data-copy="share-url">
                    Copy share link
                  </button>
                </span>
              </div>
              <div class="tabs" role="tablist" aria-label="Output" id="output-tabs">
                <button type="button" role="tab" id="tab-response" aria-controls="response" aria-selected="true">
                  Response
                </button>
                <button
                  type="button"
                  role="tab"
                  id="tab-console"
                  aria-controls="console-panel"
                  aria-selected="false"
                  tabindex={-1}
                >
                  Console <span id="console-count" class="count" />
                </button>
                <button
                  type="button"
                  role="tab"
                  id="tab-curl"
                  aria-controls="curl-panel"
                  aria-selected="false"
                  tabindex={-1}
                >
                  curl
                </button>
                <button
                  type="button"
                  role="tab"
                  id="tab-history"
                  aria-controls="history-panel"
                  aria-selected="false"
                  tabindex={-1}
                >
                  Recent runs
                </button>
              </div>
              <div id="response" class="tab-panel" role="tabpanel" aria-labelledby="tab-response">
                <div id="error-view" class="error-view" hidden />
                <p id="explain" class="explain" role="status" hidden />
                <details id="headers-details" class="headers-details">
                  <summary>
                    Headers <span id="content-type" class="muted" />
                  </summary>
                  <dl id="headers" class="headers" />
                </details>
                <iframe
                  id="preview"
                  class="preview"
                  title="HTML preview of the response"
                  sandbox=""
                  data-run-origin={runOrigin ?? ""}
                  referrerpolicy="no-referrer"
                  hidden
                />
                <button type="button" id="raw-toggle" class="link-button" aria-controls="output" hidden>
                  Show the JSON answer
                </button>
                <pre id="output" class="output-body" tabindex={0}>
                  Press Run to submit the program and run it with the prompt.
                </pre>
                {/* A module's callable exports, once it is submitted (src/client/exports-panel.ts). */}
                <div id="call-host" class="call-host" hidden />
              </div>
              <div id="console-panel" class="tab-panel" role="tabpanel" aria-labelledby="tab-console" hidden>
                <div class="console-tools">
                  <label>
                    <span class="sr-only">Filter the console</span>
                    <input id="console-filter" type="search" placeholder="Filter" autocomplete="off" />
                  </label>
                  <label>
                    <span class="sr-only">Level</span>
                    <select id="console-level">
                      <option value="">All levels</option>
                      <option value="log">log</option>
                      <option value="info">info</option>
                      <option value="warn">warn</option>
                      <option value="error">error</option>
                      <option value="debug">debug</option>
                    </select>
                  </label>
                </div>
                <div id="console" class="console" role="log" tabindex={0} aria-label="Console output">
                  <p class="muted">What the program prints with console.log, info, warn, error and debug shows here.</p>
                </div>
              </div>
              <div id="curl-panel" class="tab-panel" role="tabpanel" aria-labelledby="tab-curl" hidden>
                <pre id="curl" class="output-body" tabindex={0}>
                  Run a program to get the curl line for the API.
                </pre>
                <button type="button" class="link-button" data-copy="curl">
                  Copy curl line
                </button>
              </div>
              <div id="history-panel" class="tab-panel" role="tabpanel" aria-labelledby="tab-history" hidden>
                <div class="history-head">
                  <p id="history-empty" class="muted" hidden={history.length > 0}>
                    Your runs appear here. Only you can see them.
                  </p>
                  <button id="clear-history" type="button" class="link-button" disabled={history.length === 0}>
                    Clear
                  </button>
                </div>
                <ol id="history-list" class="history-list" aria-label="Recent runs">
                  {history.map((entry) => (
                    <HistoryItem entry={entry} />
                  ))}
                </ol>
                <p class="hint">
                  <code>POST /submit</code> with <code>{'{"code": "…"}'}</code>, then{" "}
                  <code>GET /run/&lt;hash&gt;?prompt=…</code>. Programs are stored by their SHA-256.
                </p>
              </div>
            </section>
          </div>
        </main>
        {/* Not a <form method="dialog">: the tokens panel has its own form, and forms do not nest. */}
        <dialog id="tokens-dialog" class="dialog tokens-dialog" aria-label="API tokens">
          <div id="tokens-panel-host" />
          <div class="dialog-actions">
            <button type="button" id="tokens-close" class="tool-button">
              Close
            </button>
          </div>
        </dialog>
        <dialog id="dialog" class="dialog" aria-labelledby="dialog-title">
          <form method="dialog" id="dialog-form">
            <h2 id="dialog-title">Confirm</h2>
            <p id="dialog-text" />
            <label id="dialog-field" class="dialog-field" hidden>
              <span id="dialog-label" class="field-label" />
              <input id="dialog-input" type="text" autocomplete="off" aria-describedby="dialog-error" />
            </label>
            <p id="dialog-error" class="dialog-error" role="alert" />
            <div class="dialog-actions">
              {/* A plain button: Enter in the field submits with OK, the form's only submit button. */}
              <button type="button" id="dialog-cancel" class="tool-button">
                Cancel
              </button>
              <button type="submit" value="ok" id="dialog-ok" class="run">
                OK
              </button>
            </div>
          </form>
        </dialog>
      </body>
    </html>
  );
}

/** One history row; the client renders the same markup after each run (src/client/history-view.ts). */
function HistoryItem({ entry }: { entry: HistoryEntry }) {
  return (
    <li>
      <button
        type="button"
        class="history-item"
        data-prompt={entry.prompt}
        data-hash={entry.hash}
        data-id={entry.id ?? ""}
      >
        <span class="history-prompt">{entry.prompt === "" ? "(empty prompt)" : entry.prompt}</span>
        <span class="history-meta">
          <span class="badge" data-state={entry.outcome === "ok" ? "ok" : "error"}>
            {entry.status}
          </span>{" "}
          {historyMeta(entry)}
        </span>
      </button>
    </li>
  );
}

/** A shared program's files or language, for the page's script; none for one JavaScript file. */
function startProgram(shared: PageProps["shared"]): string | undefined {
  const program = shared?.program;
  if (program?.files) return JSON.stringify({ files: program.files, main: program.main });
  if (program?.language === "ts") return JSON.stringify({ code: program.code, language: "ts" });
  return undefined;
}
