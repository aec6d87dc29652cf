// Tags (`livechat/tags`, `livechat/tags.remove`; saving is `livechat:saveTag` through
// `method.call`, as Rocket.Chat's own screen does): the words agents attach to a chat when
// they close it. A tag with departments is offered only in those departments' chats; one
// without is offered everywhere. Managed with `manage-livechat-tags`.

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { field } from "../forms.js";
import { toast } from "../toast.js";
import { all, check, loading, modal, page, readOnlyNote, table } from "./common.js";
import { methodCall } from "./method-call.js";

export function renderTags(container, { access }) {
  const mayManage = access.has("manage-livechat-tags");
  const list = h("div");
  let departments = [];
  const departmentNames = (ids) => ids.map((id) => departments.find((d) => d._id === id)?.name ?? id).join(", ");
  const refresh = () =>
    loading(list, async () => {
      const [tags, found] = await Promise.all([
        all("livechat/tags", "tags", { viewAll: "true" }),
        all("livechat/department", "departments").catch(() => []),
      ]);
      departments = found;
      list.replaceChildren(
        tags.length === 0
          ? h("p", { class: "muted", text: "No tags yet." })
          : table(
              "Tags",
              mayManage ? ["Name", "Description", "Departments", "Actions"] : ["Name", "Description", "Departments"],
              tags.map((tag) => {
                const cells = [
                  h("span", { class: "name", text: tag.name }),
                  tag.description ?? "",
                  tag.departments?.length ? departmentNames(tag.departments) : "Every department",
                ];
                return mayManage ? [...cells, actions(tag)] : cells;
              }),
            ),
      );
    });
  const actions = (tag) =>
    h(
      "div",
      { class: "row" },
      h("button", { type: "button", class: "small", text: "Edit", "aria-label": `Edit ${tag.name}`, onclick: () => editTag(tag, departments, refresh) }),
      h("button", {
        type: "button",
        class: "small danger",
        text: "Remove",
        "aria-label": `Remove ${tag.name}`,
        onclick: () =>
          modal(`Remove ${tag.name}?`, [h("p", { text: "Chats already tagged keep the tag; agents are no longer offered it." })], "Remove tag", async () => {
            await api.post("livechat/tags.remove", { id: tag._id });
            toast(`Tag ${tag.name} removed`);
            refresh();
          }),
      }),
    );
  container.replaceChildren(
    page(
      "Tags",
      "Words agents attach to a chat when they close it.",
      mayManage
        ? h("div", { class: "row" }, h("button", { type: "button", class: "primary", text: "New tag", onclick: () => editTag(null, departments, refresh) }))
        : readOnlyNote("Only managers (permission manage-livechat-tags) create, edit and remove tags."),
      list,
    ),
  );
  refresh();
}

function editTag(existing, departments, refresh) {
  const name = field("Name", { required: true, value: existing?.name ?? "", autocomplete: "off" });
  const description = field("Description", { value: existing?.description ?? "", autocomplete: "off" });
  const chosen = new Set(existing?.departments ?? []);
  const boxes = departments.map((d) => ({ id: d._id, ...check(d.name, { checked: chosen.has(d._id) }) }));
  const departmentBox = h(
    "fieldset",
    {},
    h("legend", { text: "Departments (none: every department)" }),
    boxes.length ? boxes.map((b) => b.row) : h("p", { class: "muted", text: "No departments yet." }),
  );
  modal(existing ? `Edit ${existing.name}` : "New tag", [name.row, description.row, departmentBox], "Save tag", async () => {
    const tagName = name.input.value.trim();
    if (!tagName) throw new Error("A tag needs a name.");
    await methodCall(
      "livechat:saveTag",
      existing?._id ?? null,
      { name: tagName, description: description.input.value.trim() },
      boxes.filter((b) => b.input.checked).map((b) => b.id),
    );
    toast(`Tag ${tagName} saved`);
    refresh();
  });
  name.input.focus();
}
