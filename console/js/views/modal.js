// The console's one modal form dialog (chat actions, administration screens).

import { h } from "../dom.js";
import { formError } from "./forms.js";

let nextId = 1;

/**
 * A modal dialog with a form; `onSubmit` resolves to close it or throws to show the error in
 * the dialog. `danger` styles the submit button as destructive; `className` is the dialog's.
 */
export function modal(titleText, fields, submitText, onSubmit, { danger = false, className } = {}) {
  const problem = formError();
  const submit = h("button", { type: "submit", class: danger ? "danger" : "primary", text: submitText });
  const cancel = h("button", { type: "button", text: "Cancel" });
  const titleId = `dialog-${nextId++}`;
  const form = h(
    "form",
    {},
    h("h2", { id: titleId, text: titleText }),
    fields,
    problem,
    h("div", { class: "row end" }, cancel, submit),
  );
  const dialog = h("dialog", { "aria-labelledby": titleId, class: className }, form);
  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    problem.hidden = true;
    try {
      await onSubmit();
      dialog.close();
    } catch (error) {
      problem.textContent = error.message;
      problem.hidden = false;
      submit.disabled = false;
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}
