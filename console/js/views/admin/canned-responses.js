// Canned responses (`canned-responses`: list, save, delete): texts agents insert by typing `!`
// and the shortcut in the composer. A response is everyone's (global), a department's, or the
// author's own (private); the server checks who may keep which.

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { field } from "../forms.js";
import { toast } from "../toast.js";
import { all, busy, loading, modal, page, table } from "./common.js";

const SCOPES = [
  { value: "global", label: "Everyone" },
  { value: "department", label: "A department" },
  { value: "user", label: "Only me" },
];

export function renderCannedResponses(container) {
  const list = h("div");
  let departments = [];
  const departmentName = (id) => departments.find((d) => d._id === id)?.name ?? id;
  const scopeText = (r) =>
    r.scope === "department" ? `Department ${departmentName(r.departmentId)}` : r.scope === "user" ? `Private (${r.createdBy?.username ?? ""})` : "Everyone";
  const refresh = () =>
    loading(list, async () => {
      [departments] = await Promise.all([all("livechat/department", "departments").catch(() => [])]);
      const responses = await all("canned-responses", "cannedResponses");
      list.replaceChildren(
        responses.length === 0
          ? h("p", { class: "muted", text: "No canned responses yet." })
          : table(
              "Canned responses",
              ["Shortcut", "Text", "Scope", "Tags", "Actions"],
              responses.map((r) => [
                h("code", { text: `!${r.shortcut}` }),
                r.text,
                scopeText(r),
                (r.tags ?? []).join(", "),
                h(
                  "div",
                  { class: "row" },
                  h("button", { type: "button", class: "small", text: "Edit", "aria-label": `Edit !${r.shortcut}`, onclick: () => editResponse(r, departments, refresh) }),
                  h("button", {
                    type: "button",
                    class: "small danger",
                    text: "Delete",
                    "aria-label": `Delete !${r.shortcut}`,
                    onclick: async (event) => {
                      if (!confirm(`Delete the canned response !${r.shortcut}?`)) return;
                      const ok = await busy(event.currentTarget, () => api.call("DELETE", "canned-responses", { body: { _id: r._id } }), `!${r.shortcut} deleted`);
                      if (ok) refresh();
                    },
                  }),
                ),
              ]),
            ),
      );
    });
  container.replaceChildren(
    page(
      "Canned responses",
      "Ready answers: in a chat, type ! and the shortcut to insert one.",
      h("div", { class: "row" }, h("button", { type: "button", class: "primary", text: "New canned response", onclick: () => editResponse(null, departments, refresh) })),
      list,
    ),
  );
  refresh();
}

function editResponse(existing, departments, refresh) {
  const r = existing ?? { scope: "global", tags: [] };
  const shortcut = field("Shortcut", { required: true, value: r.shortcut ?? "", autocomplete: "off", hint: "Without spaces; typed after !" });
  const text = field("Text", { tag: "textarea", required: true, rows: 4 });
  text.input.value = r.text ?? "";
  const scope = field("Who may use it", { tag: "select", options: SCOPES });
  scope.input.value = r.scope;
  const department = field("Department", {
    tag: "select",
    options: departments.map((d) => ({ value: d._id, label: d.name })),
  });
  if (r.departmentId) department.input.value = r.departmentId;
  const sync = () => (department.row.hidden = scope.input.value !== "department");
  scope.input.addEventListener("change", sync);
  sync();
  const tags = field("Tags", { value: (r.tags ?? []).join(", "), autocomplete: "off", hint: "Separated by commas" });
  modal(
    existing ? `Edit !${existing.shortcut}` : "New canned response",
    [shortcut.row, text.row, scope.row, department.row, tags.row],
    "Save canned response",
    async () => {
      const body = {
        shortcut: shortcut.input.value.trim().replace(/^!/, ""),
        text: text.input.value.trim(),
        scope: scope.input.value,
        tags: tags.input.value.split(",").map((t) => t.trim()).filter(Boolean),
      };
      if (!body.shortcut || !body.text) throw new Error("A canned response needs a shortcut and a text.");
      if (body.scope === "department") {
        if (!department.input.value) throw new Error("Choose a department.");
        body.departmentId = department.input.value;
      }
      if (existing) body._id = existing._id;
      await api.post("canned-responses", body);
      toast(`Canned response !${body.shortcut} saved`);
      refresh();
    },
  );
  shortcut.input.focus();
}
