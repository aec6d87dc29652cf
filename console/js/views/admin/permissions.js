// Permissions: the role × permission table (`permissions.listAll`, `roles.list`), with a
// filter; administrators (`access-permissions`) change it with `permissions.update`, one
// permission at a time, applied by the server at once.

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { field } from "../forms.js";
import { toast } from "../toast.js";
import { loading, page, readOnlyNote } from "./common.js";

export function renderPermissions(container, { access }) {
  const mayEdit = access.has("access-permissions");
  const filter = field("Filter permissions", { type: "search", autocomplete: "off" });
  const body = h("div");
  container.replaceChildren(
    page(
      "Permissions",
      "Which roles hold each permission. A change applies at once, on every server process.",
      mayEdit ? null : readOnlyNote("Only administrators change permissions; this table is read-only for you."),
      filter.row,
      body,
    ),
  );
  loading(body, async () => {
    const [{ update }, { roles }] = await Promise.all([api.get("permissions.listAll"), api.get("roles.list")]);
    const permissions = update.sort((a, b) => a._id.localeCompare(b._id));
    const rows = permissions.map((permission) => {
      const cells = roles.map((role) => {
        const box = h("input", {
          type: "checkbox",
          "aria-label": `${permission._id} for ${role.name}`,
          disabled: !mayEdit,
        });
        box.checked = permission.roles.includes(role._id);
        box.addEventListener("change", async () => {
          const wanted = box.checked
            ? [...new Set([...permission.roles, role._id])]
            : permission.roles.filter((r) => r !== role._id);
          box.disabled = true;
          try {
            const answer = await api.post("permissions.update", { permissions: [{ _id: permission._id, roles: wanted }] });
            const saved = answer.permissions.find((p) => p._id === permission._id);
            permission.roles = saved?.roles ?? wanted;
            toast(`${permission._id}: ${box.checked ? "given to" : "taken from"} ${role.name}`);
          } catch (error) {
            box.checked = !box.checked;
            toast(error.message, { error: true });
          } finally {
            box.checked = permission.roles.includes(role._id);
            box.disabled = false;
          }
        });
        return h("td", { "data-label": role.name }, box);
      });
      const tr = h("tr", { dataset: { permission: permission._id } }, h("th", { scope: "row", text: permission._id }), cells);
      return tr;
    });
    const count = h("p", { class: "muted", role: "status", text: `${permissions.length} permissions` });
    body.replaceChildren(
      count,
      h(
        "div",
        { class: "table-wrap admin-table-wrap" },
        h(
          "table",
          { class: "admin-table permissions" },
          h("caption", { class: "visually-hidden", text: "Permissions by role" }),
          h("thead", {}, h("tr", {}, h("th", { scope: "col", text: "Permission" }), roles.map((r) => h("th", { scope: "col", text: r.name })))),
          h("tbody", {}, rows),
        ),
      ),
    );
    filter.input.addEventListener("input", () => {
      const text = filter.input.value.trim().toLowerCase();
      let shown = 0;
      for (const tr of rows) {
        const match = !text || tr.dataset.permission.includes(text);
        tr.hidden = !match;
        if (match) shown += 1;
      }
      count.textContent = text ? `${shown} of ${permissions.length} permissions` : `${permissions.length} permissions`;
    });
  });
}
