/**
 * The divider between the code and the output: drag it, or focus it and use the arrow keys (Home
 * and End for the extremes). The split, in percent of the width, is kept for the next visit.
 */
const KEY = "promptlog.split";
const MIN = 20;
const MAX = 80;

export function splitter(handle: HTMLElement, workspace: HTMLElement) {
  const set = (percent: number, save = true) => {
    const value = Math.round(Math.min(MAX, Math.max(MIN, percent)));
    workspace.style.setProperty("--split", `${value}%`);
    handle.setAttribute("aria-valuenow", String(value));
    handle.setAttribute("aria-valuetext", `Code ${value}%, output ${100 - value}%`);
    if (save) {
      try {
        localStorage.setItem(KEY, String(value));
      } catch {
        // Storage off: the split lasts this visit only.
      }
    }
  };
  const saved = Number(localStorage.getItem(KEY));
  set(Number.isFinite(saved) && saved > 0 ? saved : 50, false);

  handle.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    const box = workspace.getBoundingClientRect();
    const move = (moved: PointerEvent) => set(((moved.clientX - box.left) / box.width) * 100);
    const stop = () => {
      handle.removeEventListener("pointermove", move);
      handle.removeEventListener("pointerup", stop);
      handle.removeEventListener("pointercancel", stop);
    };
    handle.addEventListener("pointermove", move);
    handle.addEventListener("pointerup", stop);
    handle.addEventListener("pointercancel", stop);
  });
  handle.addEventListener("keydown", (event) => {
    const now = Number(handle.getAttribute("aria-valuenow"));
    const step = event.shiftKey ? 10 : 2;
    const next: Record<string, number | undefined> = {
      ArrowLeft: now - step,
      ArrowRight: now + step,
      Home: MIN,
      End: MAX,
    };
    const value = next[event.key];
    if (value === undefined) return;
    event.preventDefault();
    set(value);
  });
}
