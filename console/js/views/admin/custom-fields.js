// Custom fields (`livechat/custom-fields`), read-only: the server reads their definitions from
// its configuration file; editing them here comes later.

import { h } from "../../dom.js";
import { all, loading, page, readOnlyNote, table } from "./common.js";

export function renderCustomFields(container) {
  const list = h("div");
  container.replaceChildren(
    page(
      "Custom fields",
      "Extra facts kept about visitors and chats.",
      readOnlyNote("Read-only for now: custom fields are declared in the server's configuration file ([[custom_fields]], see the README). Editing them here comes later."),
      list,
    ),
  );
  loading(list, async () => {
    const fields = await all("livechat/custom-fields", "customFields");
    list.replaceChildren(
      fields.length === 0
        ? h("p", { class: "muted", text: "No custom fields are defined." })
        : table(
            "Custom fields",
            ["Field", "Label", "Scope", "Visibility", "Required", "Pattern"],
            fields.map((f) => [
              h("code", { text: f._id }),
              f.label ?? "",
              f.scope === "room" ? "Chat" : "Visitor",
              f.visibility ?? "",
              f.required ? "Yes" : "No",
              f.regexp ? h("code", { text: f.regexp }) : "",
            ]),
          ),
    );
  });
}
