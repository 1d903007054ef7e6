import type { RunResult } from "./api";

const $ = (id: string) => document.getElementById(id) as HTMLElement;

/**
 * The Response tab: headers, and the body as text (JSON pretty-printed). An HTML body is also
 * previewed in an iframe whose sandbox has no allow-same-origin and no allow-scripts: an opaque
 * origin that can neither run the program's scripts nor reach ours.
 */
export function showResponse(result: RunResult) {
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
  $("output").textContent = pretty(result);
  const preview = $("preview") as HTMLIFrameElement;
  const isHtml = result.ok && /^text\/html\b/i.test(result.contentType);
  preview.hidden = !isHtml;
  preview.srcdoc = isHtml ? result.body : "";
}

function pretty(result: RunResult): string {
  if (!result.contentType.includes("json")) return result.body;
  try {
    return JSON.stringify(JSON.parse(result.body), null, 2);
  } catch {
    return result.body;
  }
}
