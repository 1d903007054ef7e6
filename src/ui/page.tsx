import type { HistoryEntry } from "../record/history-entry";
import type { Example } from "./examples";
import { historyMeta } from "./history-meta";

interface PageProps {
  readonly examples: readonly Example[];
  readonly history: readonly HistoryEntry[];
  readonly runnable: boolean;
}

/** The playground page. All behaviour lives in /assets/app.js; nothing here is inline script. */
export function PlaygroundPage({ examples, history, runnable }: PageProps) {
  const first = examples[0];
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>Promptlog · run JavaScript in a sandboxed isolate</title>
        <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/app.css" />
        <script type="module" src="/assets/app.js" />
      </head>
      <body>
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
        <main class="layout">
          <section class="panel editor" aria-labelledby="editor-title">
            <div class="panel-head">
              <h2 id="editor-title">Program</h2>
              <fieldset class="examples">
                <legend class="sr-only">Examples</legend>
                {examples.map((example) => (
                  <button
                    type="button"
                    class="chip"
                    data-example={example.id}
                    data-code={example.code}
                    data-mode={example.mode}
                    data-prompt={example.prompt}
                  >
                    {example.title} <span class="chip-mode">{example.mode}</span>
                  </button>
                ))}
              </fieldset>
            </div>
            <form id="run-form" class="run-form" method="post" action="/submit">
              <label class="field-label" for="code">
                Code
              </label>
              <div class="code-wrap">
                <div id="error-band" class="error-band" hidden />
                <textarea
                  id="code"
                  name="code"
                  spellcheck={false}
                  autocomplete="off"
                  wrap="off"
                  rows={14}
                  required
                  aria-describedby="error-at"
                >
                  {first?.code ?? ""}
                </textarea>
              </div>
              <p id="error-at" class="error-at" hidden />
              <div class="controls">
                <label class="mode">
                  <span class="field-label">Mode</span>
                  <select id="mode" name="mode">
                    <option value="">Auto-detect</option>
                    <option value="snippet" selected={first?.mode === "snippet"}>
                      Snippet
                    </option>
                    <option value="module" selected={first?.mode === "module"}>
                      Module
                    </option>
                  </select>
                </label>
                <label class="prompt">
                  <span class="field-label">Prompt</span>
                  <input id="prompt" name="prompt" type="text" value={first?.prompt ?? ""} autocomplete="off" />
                </label>
                <button id="run" class="run" type="submit">
                  Run <kbd>Ctrl</kbd>+<kbd>Enter</kbd>
                </button>
              </div>
              <p class="hint">
                A <strong>snippet</strong> is the body of an async function with <code>prompt</code> in scope; assign{" "}
                <code>result</code> or return a value. A <strong>module</strong> has a default export with{" "}
                <code>fetch(request)</code>; the prompt arrives as <code>?q=</code>.
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
                <span id="content-type" class="muted" />
              </p>
            </div>
            <p id="program-link" class="program-link" hidden>
              Run URL:{" "}
              <a id="program-url" href="/">
                /run/…
              </a>
            </p>
            <div class="tabs" role="tablist" aria-label="Output">
              <button type="button" role="tab" id="tab-response" aria-controls="output" aria-selected="true">
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
            </div>
            <pre id="output" class="output-body" role="tabpanel" aria-labelledby="tab-response" tabindex={0}>
              Press Run to submit the program and run it with the prompt.
            </pre>
            <div id="console" class="console" role="tabpanel" aria-labelledby="tab-console" tabindex={0} hidden>
              <p class="muted">What the program prints with console.log, info, warn, error and debug shows here.</p>
            </div>
          </section>

          <aside class="panel history" aria-labelledby="history-title">
            <div class="panel-head">
              <h2 id="history-title">Recent prompts</h2>
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
