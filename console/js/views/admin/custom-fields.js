// Custom fields (`livechat/custom-fields`): list, create, edit and remove through Rocket.Chat's
// DDP methods `livechat:saveCustomField` / `livechat:removeCustomField` (over `method.call`).
// Fields declared in the server's configuration file are stored at start and edited here too.

import { h } from "../../dom.js";
import { field } from "../forms.js";
import { toast } from "../toast.js";
import { all, busy, check, loading, modal, page, table } from "./common.js";
import { methodCall } from "./method-call.js";

export function renderCustomFields(container) {
  const list = h("div");
  const refresh = () =>
    loading(list, async () => {
      const fields = await all("livechat/custom-fields", "customFields");
      list.replaceChildren(
        fields.length === 0
          ? h("p", { class: "muted", text: "No custom fields are defined." })
          : table(
              "Custom fields",
              ["Field", "Label", "Scope", "Visibility", "Required", "Pattern", "Actions"],
              fields.map((f) => [
                h("code", { text: f._id }),
                f.label ?? "",
                f.scope === "room" ? "Chat" : "Visitor",
                f.visibility === "hidden" ? "Hidden" : "Visible",
                f.required ? "Yes" : "No",
                f.regexp ? h("code", { text: f.regexp }) : "",
                h(
                  "div",
                  { class: "row" },
                  h("button", { type: "button", class: "small", text: "Edit", "aria-label": `Edit ${f.label || f._id}`, onclick: () => editField(f, refresh) }),
                  h("button", {
                    type: "button",
                    class: "small danger",
                    text: "Delete",
                    "aria-label": `Delete ${f.label || f._id}`,
                    onclick: async (event) => {
                      if (!confirm(`Delete the custom field ${f._id}? Values already kept stay on visitors and chats.`)) return;
                      const ok = await busy(event.currentTarget, () => methodCall("livechat:removeCustomField", f._id), `${f._id} deleted`);
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
      "Custom fields",
      "Extra facts kept about visitors and chats. Public visitor fields are asked on the widget's registration form.",
      h("div", { class: "row" }, h("button", { type: "button", class: "primary", text: "New custom field", onclick: () => editField(null, refresh) })),
      list,
    ),
  );
  refresh();
}

function select(label, value, options) {
  const pair = field(label, { tag: "select", options });
  pair.input.value = value;
  return pair;
}

function editField(existing, refresh) {
  const f = existing ?? { scope: "visitor", visibility: "visible", type: "input" };
  const name = field("Field name", {
    required: true,
    value: f._id ?? "",
    autocomplete: "off",
    pattern: "[0-9A-Za-z_\\-]+",
    hint: existing ? "The key values are kept under; it cannot change." : "Letters, digits, hyphens and underscores",
    readonly: existing ? true : null,
  });
  const label = field("Label", { required: true, value: f.label ?? "", autocomplete: "off" });
  const scope = select("Scope", f.scope, [
    { value: "visitor", label: "Visitor" },
    { value: "room", label: "Chat" },
  ]);
  const type = select("Type", f.type ?? "input", [
    { value: "input", label: "Text" },
    { value: "select", label: "Choice" },
  ]);
  const options = field("Choices", { value: f.options ?? "", autocomplete: "off", hint: "For a choice: separated by commas" });
  const defaultValue = field("Default value", { value: f.defaultValue ?? "", autocomplete: "off" });
  const regexp = field("Pattern", { value: f.regexp ?? "", autocomplete: "off", hint: "A regular expression values must match; empty for any" });
  const visible = check("Visible", { checked: f.visibility !== "hidden" });
  const required = check("Required", { checked: f.required });
  const searchable = check("Searchable", { checked: f.searchable });
  const isPublic = check("Asked on the widget's registration form", { checked: f.public });
  modal(
    existing ? `Edit ${existing._id}` : "New custom field",
    [name.row, label.row, scope.row, type.row, options.row, defaultValue.row, regexp.row, visible.row, required.row, searchable.row, isPublic.row],
    "Save custom field",
    async () => {
      const data = {
        field: name.input.value.trim(),
        label: label.input.value.trim(),
        scope: scope.input.value,
        visibility: visible.input.checked ? "visible" : "hidden",
        regexp: regexp.input.value.trim(),
        searchable: searchable.input.checked,
        required: required.input.checked,
        type: type.input.value,
        defaultValue: defaultValue.input.value,
        options: options.input.value.trim(),
        public: isPublic.input.checked,
      };
      if (!data.field || !data.label) throw new Error("A custom field needs a name and a label.");
      await methodCall("livechat:saveCustomField", existing ? existing._id : null, data);
      toast(`Custom field ${data.field} saved`);
      refresh();
    },
  );
  (existing ? label : name).input.focus();
}
