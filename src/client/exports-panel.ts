import type { CallAnswer, ErrorAnswer, ProgramAnswer } from "../base/answers";

/**
 * The playground's "Call" panel: a stored module's callable exports (GET /api/programs/:hash lists
 * them), arguments as a JSON array, and what the call answered (POST /call/:hash/:name): its result,
 * its console, or the error in words. Self-contained: it owns the container it is given, builds its
 * DOM with textContent only (nothing a program answers is parsed as HTML), and renders nothing for a
 * program with no callable exports.
 *
 *   mountExportsPanel(document.querySelector("#call-panel"), await (await fetch(`/api/programs/${hash}`)).json());
 *
 * Returns a function that empties the container again (for when another program is opened).
 */
export function mountExportsPanel(
  container: HTMLElement,
  program: Pick<ProgramAnswer, "hash" | "exports">,
  options: { fetch?: typeof fetch; onCalled?: (runId: string | null) => void } = {},
): () => void {
  const send = options.fetch ?? ((input, init) => fetch(input, init));
  container.replaceChildren();
  if (!program.exports || program.exports.length === 0) return () => container.replaceChildren();

  const panel = element("section", { className: "exports-panel", ariaLabel: "Call an export" });
  // Under the Output pane's own h2.
  const heading = element("h3", { textContent: "Call" });

  const nameLabel = element("label", { textContent: "Export" });
  const select = element("select", { name: "export" });
  for (const entry of program.exports) {
    select.append(element("option", { value: entry.name, textContent: `${entry.name}()` }));
  }
  nameLabel.append(select);

  const argsLabel = element("label", { textContent: "Arguments (a JSON array)" });
  const args = element("textarea", { name: "args", value: "[]", rows: 2, spellcheck: false });
  argsLabel.append(args);

  const button = element("button", { type: "button", textContent: "Call" });
  const status = element("p", { role: "status" });
  const result = element("pre", { className: "exports-result" });
  const logs = element("pre", { className: "exports-console" });

  // As in the rest of the page, Ctrl/Cmd+Enter sends.
  args.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      button.click();
    }
  });
  args.setAttribute("aria-keyshortcuts", "Control+Enter Meta+Enter");

  button.addEventListener("click", async () => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(args.value || "[]");
    } catch (error) {
      show(`The arguments are not JSON: ${(error as Error).message}`);
      return;
    }
    if (!Array.isArray(parsed)) {
      show("The arguments are a JSON array: [1, 2] calls add(1, 2).");
      return;
    }
    button.disabled = true;
    show("Calling…");
    try {
      const response = await send(`/call/${program.hash}/${encodeURIComponent(select.value)}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(parsed),
      });
      const answer = (await response.json()) as Partial<CallAnswer> & Partial<ErrorAnswer>;
      const error = answer.error;
      if (error) {
        const at = error.location as { line?: number; column?: number } | undefined;
        show(`${response.status} ${error.code}: ${error.message}${at?.line ? ` (line ${at.line}:${at.column})` : ""}`);
      } else {
        show(`${response.status} ${answer.outcome ?? ""} in ${answer.durationMs ?? "?"} ms`);
        result.textContent = JSON.stringify(answer.result, null, 2);
      }
      logs.textContent = (answer.console?.logs ?? []).map((entry) => `[${entry.level}] ${entry.message}`).join("\n");
      // A call is a run, recorded in the visitor's history.
      options.onCalled?.(answer.runId ?? null);
    } catch (error) {
      show(`The call failed: ${(error as Error).message}`);
    } finally {
      button.disabled = false;
    }
  });

  function show(message: string) {
    status.textContent = message;
    result.textContent = "";
    logs.textContent = "";
  }

  panel.append(heading, nameLabel, argsLabel, button, status, result, logs);
  container.append(panel);
  return () => container.replaceChildren();
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  properties: Partial<HTMLElementTagNameMap[K]>,
): HTMLElementTagNameMap[K] {
  return Object.assign(document.createElement(tag), properties);
}
