import type { ProgramSource } from "../base/answers";
import { CODE_FILE, FILE_PATH } from "../base/file-paths";
import type { Language } from "../base/schemas";
import { askText } from "./dialog";

export type { Language, ProgramSource };

/**
 * The program's files, shown as tabs above the one editor: one file is sent as `code` (with its
 * language), several as `files` with the first as `main`. The language picker names the main
 * file's extension; a new file takes the same language.
 */
interface Editor {
  value: string;
  focus(): void;
}

export function fileTabs(
  bar: HTMLElement,
  addButton: HTMLButtonElement,
  language: HTMLSelectElement,
  editor: Editor,
  /** Told how many files there are whenever the tabs change. */
  onCount: (count: number) => void = () => {},
  /** Told when a file is added, removed or renamed (edits inside a file are the editor's to tell). */
  onChange: () => void = () => {},
) {
  let order: string[] = [];
  const texts = new Map<string, string>();
  let active = "";

  const mainName = () => `index.${language.value === "ts" ? "ts" : "js"}`;

  function render() {
    onCount(order.length);
    bar.replaceChildren(
      ...order.map((path) => {
        const tab = document.createElement("span");
        tab.className = "file-tab";
        const open = document.createElement("button");
        open.type = "button";
        open.className = "file-open";
        open.textContent = path;
        open.setAttribute("aria-current", String(path === active));
        open.addEventListener("click", () => select(path));
        tab.append(open);
        if (path !== order[0]) {
          const remove = document.createElement("button");
          remove.type = "button";
          remove.className = "file-remove";
          remove.textContent = "×";
          remove.setAttribute("aria-label", `Remove ${path}`);
          remove.addEventListener("click", () => removeFile(path));
          tab.append(remove);
        }
        return tab;
      }),
    );
  }

  function select(path: string) {
    if (active) texts.set(active, editor.value);
    active = path;
    editor.value = texts.get(path) ?? "";
    render();
  }

  function removeFile(path: string) {
    order = order.filter((other) => other !== path);
    texts.delete(path);
    if (active === path) {
      active = "";
      select(order[0] ?? mainName());
    } else render();
    onChange();
    // The removed tab's button is gone: focus goes to a tab that is still there.
    bar.querySelector<HTMLButtonElement>('.file-open[aria-current="true"]')?.focus();
  }

  function load(source: ProgramSource) {
    texts.clear();
    active = "";
    if ("files" in source) {
      order = [source.main, ...Object.keys(source.files).filter((path) => path !== source.main)];
      for (const path of order) texts.set(path, source.files[path] ?? "");
      language.value = source.main.endsWith(".ts") || source.main.endsWith(".tsx") ? "ts" : "js";
    } else {
      language.value = source.language ?? "js";
      order = [mainName()];
      texts.set(order[0] ?? "", source.code);
    }
    select(order[0] ?? mainName());
  }

  addButton.addEventListener("click", async () => {
    if (active) texts.set(active, editor.value);
    const path = await askText(
      "New file",
      "Path (for example src/util.ts or data.json)",
      `util.${language.value}`,
      (candidate) => {
        if (texts.has(candidate)) return `${candidate} is already a file.`;
        if (!FILE_PATH.test(candidate))
          return `${candidate || "An empty path"} is not a file path the playground takes.`;
        return null;
      },
    );
    if (!path) return;
    order.push(path);
    texts.set(path, "");
    select(path);
    onChange();
    editor.focus();
  });

  // The language is the main file's: renaming it (and its siblings of the other language) keeps the tabs true.
  language.addEventListener("change", () => {
    if (active) texts.set(active, editor.value);
    const to = language.value === "ts" ? "ts" : "js";
    const renamed = order.map((path) => (CODE_FILE.test(path) ? path.replace(/\.(ts|js)$/, `.${to}`) : path));
    const moved = new Map(order.map((path, index) => [renamed[index] ?? path, texts.get(path) ?? ""]));
    const activeIndex = order.indexOf(active);
    order = renamed;
    texts.clear();
    for (const [path, text] of moved) texts.set(path, text);
    active = order[activeIndex] ?? order[0] ?? "";
    render();
    onChange();
  });

  return {
    load,
    /** The file the editor shows. */
    get active() {
      return active;
    },
    /** Shows a file (an error's), if the program has it. */
    show(path: string) {
      if (texts.has(path)) select(path);
    },
    current(): ProgramSource {
      if (active) texts.set(active, editor.value);
      const main = order[0] ?? mainName();
      if (order.length === 1) {
        const code = texts.get(main) ?? "";
        return language.value === "ts" ? { code, language: "ts" } : { code };
      }
      return { files: Object.fromEntries(order.map((path) => [path, texts.get(path) ?? ""])), main };
    },
  };
}
