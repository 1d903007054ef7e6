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

/**
 * Ends the asking whose dialog has closed but whose close event has not come yet. A dialog's close
 * event is queued, not fired, when it closes: a fast Escape then Enter opens the next asking before
 * it comes, and it must end the asking it belongs to, not the new one.
 */
let unfinished: (() => void) | null = null;
let lateCloses = 0;

function open(ask: Ask): Promise<string | null> {
  const dialog = $<HTMLDialogElement>("dialog");
  const form = $<HTMLFormElement>("dialog-form");
  const input = $<HTMLInputElement>("dialog-input");
  const error = $("dialog-error");
  if (unfinished && !dialog.open) {
    unfinished();
    lateCloses += 1;
  }
  $("dialog-title").textContent = ask.title;
  $("dialog-text").textContent = ask.text ?? "";
  $("dialog-text").hidden = !ask.text;
  $("dialog-ok").textContent = ask.confirm;
  $("dialog-field").hidden = !ask.field;
  $("dialog-label").textContent = ask.field?.label ?? "";
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
    const finish = () => {
      unfinished = null;
      form.removeEventListener("submit", onSubmit);
      $("dialog-cancel").removeEventListener("click", onCancel);
      dialog.removeEventListener("close", onClose);
      resolve(dialog.returnValue === "ok" ? input.value.trim() : null);
    };
    const onClose = () => {
      if (lateCloses > 0) {
        lateCloses -= 1;
        return;
      }
      finish();
      opener?.focus();
    };
    form.addEventListener("submit", onSubmit);
    $("dialog-cancel").addEventListener("click", onCancel);
    dialog.addEventListener("close", onClose);
    unfinished = finish;
    input.value = ask.field?.value ?? "";
    error.textContent = "";
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
