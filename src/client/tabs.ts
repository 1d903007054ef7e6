/**
 * An accessible tab list: click or arrow keys switch, only the selected tab is in the tab order.
 * By default each tab's panel is hidden when another is selected; `onSelect` is told the tab's id.
 */
export function tabs(list: HTMLElement, options: { hidePanels?: boolean; onSelect?: (id: string) => void } = {}) {
  const all = [...list.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const hidePanels = options.hidePanels ?? true;

  function select(tab: HTMLButtonElement, focus = false) {
    for (const other of all) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(other.getAttribute("aria-controls") ?? "");
      if (panel && hidePanels) panel.hidden = !selected;
    }
    if (focus) tab.focus();
    options.onSelect?.(tab.id);
  }

  list.addEventListener("click", (event) => {
    const tab = (event.target as HTMLElement).closest<HTMLButtonElement>('[role="tab"]');
    if (tab) select(tab);
  });
  list.addEventListener("keydown", (event) => {
    const index = all.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0) return;
    const moves: Record<string, number | undefined> = {
      ArrowRight: (index + 1) % all.length,
      ArrowLeft: (index + all.length - 1) % all.length,
      Home: 0,
      End: all.length - 1,
    };
    const next = all[moves[event.key] ?? -1];
    if (!next) return;
    event.preventDefault();
    select(next, true);
  });

  return {
    select(id: string) {
      const tab = all.find((candidate) => candidate.id === id);
      if (tab) select(tab);
    },
  };
}
