import type { RunResult } from "./api";

const $ = (id: string) => document.getElementById(id) as HTMLElement;

/**
 * The Response tab: headers, and the body as text (JSON pretty-printed). An HTML body is also
 * previewed in an iframe. With a run origin (the frame's data-run-origin), a GET run's page is
 * loaded from there, with its own scripts and styles, on an origin that holds nothing of ours; the
 * frame may not navigate this page. Otherwise the body is shown in a sandbox with no
 * allow-same-origin and no allow-scripts: an opaque origin that can neither run the program's
 * scripts nor reach ours.
 */
export function showResponse(result: RunResult, isError = false) {
  $("content-type").textContent = result.contentType;
  const headers = $("headers");
  headers.replaceChildren(
    ...result.headers.flatMap(([name, value]) => {
      const term = document.createElement("dt");
      term.textContent = name;
      const detail = document.createElement("dd");
      detail.textContent = value;
      return [term, detail];
    }),
  );
  const output = $("output");
  output.textContent = isError ? withoutStack(result.body) : pretty(result);
  // An error is shown formatted above (src/client/error-view.ts); its JSON stays one click away.
  output.hidden = isError;
  $("raw-toggle").hidden = !isError;
  $("raw-toggle").setAttribute("aria-expanded", "false");
  $("raw-toggle").textContent = "Show the JSON answer";
  const preview = $("preview") as HTMLIFrameElement;
  const isHtml = result.ok && /^text\/html\b/i.test(result.contentType);
  preview.hidden = !isHtml;
  const runOrigin = preview.dataset.runOrigin ?? "";
  if (isHtml && runOrigin && result.getUrl) {
    preview.sandbox.value = "allow-scripts allow-same-origin allow-forms allow-popups allow-modals";
    const asked = new URL(result.getUrl, location.href);
    preview.src = new URL(`${asked.pathname}${asked.search}`, runOrigin).href;
    // Only now: while srcdoc is there src waits, so the frame makes one navigation, to the run origin.
    preview.removeAttribute("srcdoc");
    return;
  }
  preview.sandbox.value = "";
  preview.removeAttribute("src");
  preview.srcdoc = isHtml ? result.body : "";
}

/** Our error's JSON, without the runtime's stack: its frames in the user's code are listed above. */
function withoutStack(body: string): string {
  try {
    const answer = JSON.parse(body) as { error?: Record<string, unknown> };
    if (answer.error) delete answer.error.stack;
    return JSON.stringify(answer, null, 2);
  } catch {
    return body;
  }
}

function pretty(result: RunResult): string {
  if (!result.contentType.includes("json")) return result.body;
  try {
    return JSON.stringify(JSON.parse(result.body), null, 2);
  } catch {
    return result.body;
  }
}
