/** An accessible tab list: click or arrow keys switch, only the selected tab is in the tab order. */
export function tabs(list: HTMLElement) {
  const all = [...list.querySelectorAll<HTMLButtonElement>('[role="tab"]')];

  function select(tab: HTMLButtonElement, focus = false) {
    for (const other of all) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      const panel = document.getElementById(other.getAttribute("aria-controls") ?? "");
      if (panel) panel.hidden = !selected;
    }
    if (focus) tab.focus();
  }

  list.addEventListener("click", (event) => {
    const tab = (event.target as HTMLElement).closest<HTMLButtonElement>('[role="tab"]');
    if (tab) select(tab);
  });
  list.addEventListener("keydown", (event) => {
    const index = all.indexOf(document.activeElement as HTMLButtonElement);
    if (index < 0 || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) return;
    const next = all[(index + (event.key === "ArrowRight" ? 1 : all.length - 1)) % all.length];
    if (next) select(next, true);
  });

  return {
    select(id: string) {
      const tab = all.find((candidate) => candidate.id === id);
      if (tab) select(tab);
    },
  };
}
