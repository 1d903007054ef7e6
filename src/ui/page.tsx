import type { HistoryEntry } from "../base/answers";
import type { Program } from "../base/program";
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

/** The playground page. All behaviour lives in /assets/app.js; nothing here is inline script. */
export function PlaygroundPage({ examples, history, runnable, shared, notice, styleNonce, runOrigin }: PageProps) {
  const first = examples[0];
  const start = shared
    ? {
        code: shared.program.files?.[shared.program.main ?? ""] ?? shared.program.code,
        mode: shared.program.mode,
        prompt: "",
        body: undefined,
      }
    : { code: first?.code ?? "", mode: first?.mode ?? "", prompt: first?.prompt ?? "", body: first?.body };
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="style-nonce" content={styleNonce} />
        <title>Promptlog · run JavaScript in a sandboxed isolate</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/app.css" />
        <script type="module" src="/assets/app.js" />
      </head>
      <body>
        <a class="skip-link" href="#code-label">
          Skip to the code
        </a>
        <header class="site-header">
          <a class="brand" href="/">
            <img src="/favicon.svg" alt="" width="28" height="28" />
            Promptlog
          </a>
          <p class="tagline">Every program runs in its own V8 isolate, with the network switched off.</p>
        </header>
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
        <main class="layout">
          <section class="panel editor" aria-labelledby="editor-title">
            <div class="panel-head">
              <h2 id="editor-title">Program</h2>
              {shared ? <span class="muted shared-from">Shared program {shared.hash.slice(0, 12)}…</span> : null}
            </div>
            <fieldset class="examples">
              <legend class="field-label">Examples</legend>
              {examples.map((example) => (
                <button
                  type="button"
                  class="example"
                  data-example={example.id}
                  data-code={example.code}
                  data-mode={example.mode}
                  data-prompt={example.prompt}
                  data-body={example.body ?? ""}
                >
                  <span class="example-title">
                    {example.title} <span class="chip-mode">{example.mode}</span>
                  </span>
                  <span class="example-description">{example.description}</span>
                </button>
              ))}
            </fieldset>
            <form id="run-form" class="run-form" method="post" action="/submit" data-program={startProgram(shared)}>
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
              </div>
              {/* Right before the editor: the skip link lands here, and Tab goes on into the code. */}
              <label class="field-label" id="code-label" for="code" tabindex={-1}>
                Code
              </label>
              <textarea id="code" name="code" spellcheck={false} autocomplete="off" wrap="off" rows={14} required>
                {start.code}
              </textarea>
              <p id="error-at" class="error-at" role="status" hidden />
              <p id="editor-help" class="hint">
                Tab indents; press Esc, then Tab, to leave the editor. Ctrl/Cmd+Enter runs.
              </p>
              <div class="controls">
                <label class="mode">
                  <span class="field-label">Mode</span>
                  <select id="mode" name="mode">
                    <option value="">Auto-detect</option>
                    <option value="snippet" selected={start.mode === "snippet"}>
                      Snippet
                    </option>
                    <option value="module" selected={start.mode === "module"}>
                      Module
                    </option>
                  </select>
                </label>
                <label class="prompt">
                  <span class="field-label">Prompt</span>
                  <input id="prompt" name="prompt" type="text" value={start.prompt} autocomplete="off" />
                </label>
                <button id="run" class="run" type="submit">
                  Run <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
                </button>
              </div>
              <details id="body-details" class="body-details" open={Boolean(start.body)}>
                <summary>Request body (sends the run as POST)</summary>
                <label class="field-label" for="body">
                  Body, sent as JSON when it parses as JSON, else as text
                </label>
                <textarea id="body" name="body" spellcheck={false} rows={5}>
                  {start.body ?? ""}
                </textarea>
              </details>
              <p class="hint">
                A <strong>snippet</strong> is the body of an async function with <code>prompt</code> in scope; assign{" "}
                <code>result</code> or return a value. A <strong>module</strong> has a default export with{" "}
                <code>fetch(request, env)</code>; the prompt arrives as <code>?q=</code>, and <code>env.STORE</code>{" "}
                keeps state between runs.
              </p>
            </form>
          </section>

          <section class="panel output" aria-labelledby="output-title">
            <div class="panel-head">
              <h2 id="output-title">Output</h2>
              <p class="meta" aria-live="polite">
                <span id="status" class="badge" data-state="idle">
                  Not run yet
                </span>
                <span id="outcome" class="muted" />
                <span id="time" class="muted" />
              </p>
            </div>
            <p id="explain" class="explain" role="status" hidden />
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
            <div class="tabs" role="tablist" aria-label="Output">
              <button type="button" role="tab" id="tab-response" aria-controls="response" aria-selected="true">
                Response
              </button>
              <button
                type="button"
                role="tab"
                id="tab-console"
                aria-controls="console"
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
            </div>
            <div id="response" role="tabpanel" aria-labelledby="tab-response">
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
              <pre id="output" class="output-body" tabindex={0}>
                Press Run to submit the program and run it with the prompt.
              </pre>
            </div>
            <div id="console" class="console" role="tabpanel" aria-labelledby="tab-console" tabindex={0} hidden>
              <p class="muted">What the program prints with console.log, info, warn, error and debug shows here.</p>
            </div>
            <div id="curl-panel" role="tabpanel" aria-labelledby="tab-curl" hidden>
              <pre id="curl" class="output-body" tabindex={0}>
                Run a program to get the curl line for the API.
              </pre>
              <button type="button" class="link-button" data-copy="curl">
                Copy curl line
              </button>
            </div>
          </section>

          <aside class="panel history" aria-labelledby="history-title">
            <div class="panel-head">
              <h2 id="history-title">Recent runs</h2>
              <button id="clear-history" type="button" class="link-button" disabled={history.length === 0}>
                Clear
              </button>
            </div>
            <p id="history-empty" class="muted" hidden={history.length > 0}>
              Your runs appear here. Only you can see them.
            </p>
            <ol id="history-list" class="history-list">
              {history.map((entry) => (
                <HistoryItem entry={entry} />
              ))}
            </ol>
          </aside>
        </main>
        <footer class="site-footer">
          <code>POST /submit</code> with <code>{'{"code": "…"}'}</code>, then{" "}
          <code>GET /run/&lt;hash&gt;?prompt=…</code>. Programs are stored by their SHA-256.
        </footer>
      </body>
    </html>
  );
}

/** One history row; the client renders the same markup after each run (src/client/app.ts). */
function HistoryItem({ entry }: { entry: HistoryEntry }) {
  return (
    <li>
      <button type="button" class="history-item" data-prompt={entry.prompt} data-hash={entry.hash}>
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
