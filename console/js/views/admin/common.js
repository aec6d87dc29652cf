// Pieces shared by the administration screens: who may do what (the stored permission table
// and the user's roles), a labelled checkbox, tables, a modal form and busy buttons.

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { modal as sharedModal } from "../modal.js";
import { toast } from "../toast.js";

/**
 * What the logged-in user may do: `permissions.listAll` (the stored table, as the server
 * applies it) intersected with the user's roles from `GET me`.
 */
export async function loadAccess() {
  const [me, { update }] = await Promise.all([api.get("me"), api.get("permissions.listAll")]);
  const roles = new Set(me.roles ?? []);
  const held = new Set(update.filter((p) => p.roles.some((r) => roles.has(r))).map((p) => p._id));
  return { me, roles, has: (permission) => held.has(permission), table: update };
}

let nextId = 1;

/** A checkbox with its label after it; returns `{row, input}`. */
export function check(label, { checked = false, ...attrs } = {}) {
  const id = `c${nextId++}`;
  const input = h("input", { type: "checkbox", id, ...attrs });
  input.checked = Boolean(checked);
  const row = h("div", { class: "check" }, input, h("label", { for: id, text: label }));
  return { row, input };
}

/** A table; `columns` are header texts, `rows` arrays of cells (nodes or text). */
export function table(caption, columns, rows, { className = "" } = {}) {
  return h(
    "div",
    { class: "table-wrap admin-table-wrap" },
    h(
      "table",
      { class: `admin-table ${className}` },
      h("caption", { class: "visually-hidden", text: caption }),
      h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col", text: c })))),
      h(
        "tbody",
        {},
        rows.map((cells) =>
          h(
            "tr",
            {},
            cells.map((cell, i) => h("td", { "data-label": columns[i] }, cell)),
          ),
        ),
      ),
    ),
  );
}

/** A page of the administration: heading, optional intro text, content. */
export function page(title, intro, ...content) {
  const headingId = `admin-h-${nextId++}`;
  return h(
    "section",
    { class: "admin-page", "aria-labelledby": headingId },
    h("h1", { id: headingId, text: title }),
    intro ? h("p", { class: "muted", text: intro }) : null,
    content,
  );
}

/** A note saying this screen is read-only for the viewer. */
export function readOnlyNote(text) {
  return h("p", { class: "note", role: "note", text });
}

/**
 * Runs `work` while `button` is disabled; errors become a toast. Resolves to `work`'s result,
 * or undefined when it failed.
 */
export async function busy(button, work, done) {
  if (button) button.disabled = true;
  try {
    const result = await work();
    if (done) toast(done);
    return result ?? true;
  } catch (error) {
    toast(error.message, { error: true });
    return undefined;
  } finally {
    if (button) button.disabled = false;
  }
}

/** The console's modal form dialog, styled for the administration screens. */
export function modal(titleText, fields, submitText, onSubmit) {
  return sharedModal(titleText, fields, submitText, onSubmit, { className: "admin-dialog" });
}

/** Reads every page of a paginated list (`key` is the array's name in the answer). */
export const all = (path, key, query = {}) => api.getAll(path, key, query);

/** A loading line, then an error in role=alert if `load` fails. */
export async function loading(container, load) {
  const line = h("p", { class: "loading", role: "status", text: "Loading…" });
  container.replaceChildren(line);
  try {
    await load();
  } catch (error) {
    container.replaceChildren(h("p", { class: "error", role: "alert", text: `Could not load: ${error.message}` }));
  }
}
