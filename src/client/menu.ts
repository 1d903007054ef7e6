/**
 * A menu button (WAI-ARIA menu pattern): the button opens the list and focuses its first item;
 * arrows, Home and End move, Enter picks, Esc or Tab closes, and a click elsewhere closes.
 */
export function menuButton(button: HTMLButtonElement, list: HTMLElement, onPick: (item: HTMLButtonElement) => void) {
  const items = () => [...list.querySelectorAll<HTMLButtonElement>('[role="menuitem"]')];

  function open(focusLast = false) {
    list.hidden = false;
    button.setAttribute("aria-expanded", "true");
    const all = items();
    (focusLast ? all.at(-1) : all[0])?.focus();
  }
  function close(focusButton: boolean) {
    if (list.hidden) return;
    list.hidden = true;
    button.setAttribute("aria-expanded", "false");
    if (focusButton) button.focus();
  }

  button.addEventListener("click", () => (list.hidden ? open() : close(false)));
  button.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      open(event.key === "ArrowUp");
    }
  });
  list.addEventListener("keydown", (event) => {
    const all = items();
    const index = all.indexOf(document.activeElement as HTMLButtonElement);
    const move: Record<string, number | undefined> = {
      ArrowDown: (index + 1) % all.length,
      ArrowUp: (index - 1 + all.length) % all.length,
      Home: 0,
      End: all.length - 1,
    };
    const next = move[event.key];
    if (next !== undefined) {
      event.preventDefault();
      all[next]?.focus();
    } else if (event.key === "Escape") {
      event.preventDefault();
      close(true);
    } else if (event.key === "Tab") {
      close(false);
    }
  });
  list.addEventListener("click", (event) => {
    const item = (event.target as HTMLElement).closest<HTMLButtonElement>('[role="menuitem"]');
    if (!item) return;
    close(false);
    onPick(item);
  });
  document.addEventListener("pointerdown", (event) => {
    if (!list.contains(event.target as Node) && !button.contains(event.target as Node)) close(false);
  });
}
