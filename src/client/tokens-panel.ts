/**
 * The playground's API tokens panel, self-contained: `mountTokensPanel(container)` renders into the
 * given element (make one, shown once; the list with created and last used; revoke) and talks to
 * /tokens with the visitor's cookie. It uses the page's existing classes (tool-button, link-button,
 * muted) and adds its own `tokens-…` ones for anyone who wants to style it further.
 */
import type { ErrorAnswer, TokenCreatedAnswer, TokenInfo, TokenListAnswer } from "../base/answers";
import { confirmAction } from "./dialog";

export interface TokensPanel {
  /** Reads the list again (after a token was used elsewhere, say). */
  refresh(): Promise<void>;
  /** Empties the container. */
  destroy(): void;
}

export function mountTokensPanel(container: HTMLElement): TokensPanel {
  const ids = `tokens-${Math.random().toString(36).slice(2, 8)}`;
  container.replaceChildren();
  container.classList.add("tokens-panel");

  const heading = element("h2", { id: `${ids}-title`, className: "tokens-title" }, "API tokens");
  const intro = element(
    "p",
    { className: "muted" },
    "A token lets a script or an agent use the API as you: send it as Authorization: Bearer <token>. Its runs land in your history.",
  );

  const form = element("form", { className: "tokens-create" });
  const label = element("label", { htmlFor: `${ids}-name` }, "Name");
  const name = element("input", {
    id: `${ids}-name`,
    name: "name",
    type: "text",
    maxLength: 64,
    required: true,
    placeholder: "e.g. laptop script",
    autocomplete: "off",
  });
  const create = element("button", { type: "submit", className: "tool-button" }, "Create token");
  form.append(label, name, create);

  const reveal = element("div", { className: "tokens-reveal", hidden: true });
  const revealNote = element(
    "p",
    { id: `${ids}-once` },
    "Copy it now: it is shown only this once, and only its hash is kept.",
  );
  const revealValue = element("input", { type: "text", readOnly: true, className: "tokens-value" });
  revealValue.setAttribute("aria-describedby", `${ids}-once`);
  revealValue.setAttribute("aria-label", "New token");
  const copy = element("button", { type: "button", className: "tool-button" }, "Copy");
  const example = element("code", { className: "tokens-example" });
  reveal.append(revealNote, revealValue, copy, example);

  const status = element("p", { className: "muted tokens-status" });
  status.setAttribute("role", "status");
  const list = element("ul", { className: "tokens-list" });
  list.setAttribute("aria-labelledby", `${ids}-title`);
  const empty = element("p", { className: "muted" }, "No tokens yet.");

  const section = element("section", { className: "tokens-section" });
  section.setAttribute("aria-labelledby", `${ids}-title`);
  section.append(heading, intro, form, reveal, status, list, empty);
  container.append(section);

  const say = (text: string) => {
    status.textContent = text;
  };

  // The list opened with the panel may answer after the one read for a token just made: only the
  // newest read is shown.
  let reads = 0;
  async function refresh(): Promise<void> {
    const read = ++reads;
    const response = await fetch("/tokens");
    if (!response.ok) return say(await errorText(response));
    const { tokens } = (await response.json()) as TokenListAnswer;
    if (read !== reads) return;
    list.replaceChildren(...tokens.map(row));
    empty.hidden = tokens.length > 0;
  }

  function row(token: TokenInfo): HTMLLIElement {
    const item = element("li", { className: "tokens-item" });
    const title = element("strong", {}, token.name);
    const meta = element(
      "span",
      { className: "muted" },
      ` · created ${when(token.created)} · ${token.lastUsed ? `last used ${when(token.lastUsed)}` : "never used"} `,
    );
    const revoke = element("button", { type: "button", className: "link-button" }, "Revoke");
    revoke.setAttribute("aria-label", `Revoke ${token.name}`);
    revoke.addEventListener("click", async () => {
      // The page's own dialog (a browser confirm() blocks the page and cannot be themed).
      const sure = await confirmAction(
        `Revoke "${token.name}"?`,
        "Anything using it stops working at once. This cannot be undone.",
        "Revoke",
      );
      if (!sure) return;
      revoke.disabled = true;
      const response = await fetch(`/tokens/${encodeURIComponent(token.id)}`, { method: "DELETE" });
      say(response.ok ? `Revoked "${token.name}".` : await errorText(response));
      await refresh();
      // Its row, and the focused button with it, is gone: keep the keyboard in the panel.
      if (!item.isConnected) name.focus();
    });
    item.append(title, meta, revoke);
    return item;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    create.disabled = true;
    try {
      const response = await fetch("/tokens", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: name.value.trim() }),
      });
      if (!response.ok) return say(await errorText(response));
      const created = (await response.json()) as TokenCreatedAnswer;
      revealValue.value = created.token;
      example.textContent = `curl -H "Authorization: Bearer ${created.token}" ${location.origin}/api/history`;
      reveal.hidden = false;
      revealValue.focus();
      revealValue.select();
      name.value = "";
      say(`Made "${created.name}".`);
      await refresh();
    } finally {
      create.disabled = false;
    }
  });

  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(revealValue.value);
      say("Copied.");
    } catch {
      revealValue.select();
      say("Select the token and copy it yourself (the clipboard was not allowed).");
    }
  });

  void refresh();
  return {
    refresh,
    destroy() {
      container.replaceChildren();
      container.classList.remove("tokens-panel");
    },
  };
}

function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Partial<HTMLElementTagNameMap[K]> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  if (text !== undefined) node.textContent = text;
  return node;
}

async function errorText(response: Response): Promise<string> {
  try {
    return ((await response.json()) as ErrorAnswer).error.message;
  } catch {
    return `The server answered ${response.status}.`;
  }
}

function when(iso: string): string {
  return new Date(iso).toLocaleString();
}
