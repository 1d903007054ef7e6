/**
 * The page's own dialogs, in a modal <dialog>: the browser's prompt(), confirm() and alert() block
 * the page, cannot be styled or themed, and read as the site being hijacked. One dialog at a time.
 */
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

interface Ask {
  readonly title: string;
  readonly text?: string;
  readonly confirm: string;
  /** A text field, for the answers that need one; its check answers an error or null. */
  readonly field?: { readonly label: string; readonly value: string; readonly check: (value: string) => string | null };
}

function open(ask: Ask): Promise<string | null> {
  const dialog = $<HTMLDialogElement>("dialog");
  const form = $<HTMLFormElement>("dialog-form");
  const input = $<HTMLInputElement>("dialog-input");
  const error = $("dialog-error");
  $("dialog-title").textContent = ask.title;
  $("dialog-text").textContent = ask.text ?? "";
  $("dialog-text").hidden = !ask.text;
  $("dialog-ok").textContent = ask.confirm;
  $("dialog-field").hidden = !ask.field;
  $("dialog-label").textContent = ask.field?.label ?? "";
  input.value = ask.field?.value ?? "";
  error.textContent = "";
  const opener = document.activeElement as HTMLElement | null;

  return new Promise((resolve) => {
    const onSubmit = (event: SubmitEvent) => {
      if (!ask.field) return;
      const problem = ask.field.check(input.value.trim());
      if (problem === null) return;
      // Stay open and say what is wrong, next to the field.
      event.preventDefault();
      error.textContent = problem;
      input.focus();
    };
    const onCancel = () => dialog.close("cancel");
    form.addEventListener("submit", onSubmit);
    $("dialog-cancel").addEventListener("click", onCancel);
    dialog.addEventListener(
      "close",
      () => {
        form.removeEventListener("submit", onSubmit);
        $("dialog-cancel").removeEventListener("click", onCancel);
        opener?.focus();
        resolve(dialog.returnValue === "ok" ? input.value.trim() : null);
      },
      { once: true },
    );
    dialog.returnValue = "";
    dialog.showModal();
    if (ask.field) input.select();
    else $("dialog-cancel").focus();
  });
}

/** Asks before something that cannot be undone; true when confirmed. */
export async function confirmAction(title: string, text: string, confirm: string): Promise<boolean> {
  return (await open({ title, text, confirm })) !== null;
}

/** Asks for one line of text; null when cancelled. */
export function askText(
  title: string,
  label: string,
  value: string,
  check: (value: string) => string | null,
): Promise<string | null> {
  return open({ title, confirm: "OK", field: { label, value, check } });
}
