// Departments (`livechat/department`: list, create, edit, delete) and their agents
// (`livechat/department/:id/agents`, changed with `upsert` / `remove`).

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { field } from "../forms.js";
import { toast } from "../toast.js";
import { all, busy, check, loading, modal, page, readOnlyNote, table } from "./common.js";

export function renderDepartments(container, { access }) {
  const mayEdit = access.has("manage-livechat-departments");
  const list = h("div");
  const refresh = () =>
    loading(list, async () => {
      const departments = await all("livechat/department", "departments");
      departments.sort((a, b) => a.name.localeCompare(b.name));
      list.replaceChildren(
        departments.length === 0
          ? h("p", { class: "muted", text: "No departments yet." })
          : table(
              "Departments",
              ["Name", "E-mail", "Enabled", "Agents", "Actions"],
              departments.map((d) => [
                h("span", { class: "name", text: d.name }),
                d.email || "",
                d.enabled ? "Yes" : "No",
                String(d.numAgents ?? 0),
                mayEdit
                  ? h(
                      "div",
                      { class: "row" },
                      h("button", { type: "button", class: "small", text: "Edit", "aria-label": `Edit ${d.name}`, onclick: () => editDepartment(d, refresh) }),
                      h("button", {
                        type: "button",
                        class: "small danger",
                        text: "Delete",
                        "aria-label": `Delete ${d.name}`,
                        onclick: async (event) => {
                          if (!confirm(`Delete the department ${d.name}? Its open chats leave it.`)) return;
                          const ok = await busy(event.currentTarget, () => api.call("DELETE", `livechat/department/${d._id}`), `${d.name} deleted`);
                          if (ok) refresh();
                        },
                      }),
                    )
                  : "",
              ]),
            ),
      );
    });
  container.replaceChildren(
    page(
      "Departments",
      "Chats opened for a department go to its agents.",
      mayEdit
        ? h("div", { class: "row" }, h("button", { type: "button", class: "primary", text: "New department", onclick: () => editDepartment(null, refresh) }))
        : readOnlyNote("You may look at departments but not change them."),
      list,
    ),
  );
  refresh();
}

async function editDepartment(department, refresh) {
  let agents;
  let current = [];
  try {
    agents = await all("livechat/users/agent", "users");
    if (department) current = await all(`livechat/department/${department._id}/agents`, "agents");
  } catch (error) {
    toast(error.message, { error: true });
    return;
  }
  const d = department ?? { enabled: true, showOnRegistration: true, showOnOfflineForm: true };
  const name = field("Name", { required: true, value: d.name ?? "", autocomplete: "off" });
  const email = field("E-mail", { type: "email", value: d.email ?? "", autocomplete: "off" });
  const enabled = check("Enabled", { checked: d.enabled });
  const registration = check("Shown on the registration form", { checked: d.showOnRegistration });
  const offline = check("Shown on the offline form", { checked: d.showOnOfflineForm });
  const requireTags = check("A tag is required before closing a chat", { checked: d.requestTagBeforeClosingChat });
  const tags = field("Closing tags", { value: (d.chatClosingTags ?? []).join(", "), hint: "Separated by commas", autocomplete: "off" });
  const currentIds = new Set(current.map((a) => a.agentId));
  const boxes = agents
    .sort((a, b) => a.username.localeCompare(b.username))
    .map((agent) => ({ agent, ...check(agent.name && agent.name !== agent.username ? `${agent.name} (${agent.username})` : agent.username, { checked: currentIds.has(agent._id) }) }));
  const agentsBox = h(
    "fieldset",
    { class: "checks" },
    h("legend", { text: "Agents" }),
    boxes.length ? boxes.map((b) => b.row) : h("p", { class: "muted", text: "No agents yet (see Agents)." }),
  );
  modal(
    department ? `Edit ${department.name}` : "New department",
    [name.row, email.row, enabled.row, registration.row, offline.row, requireTags.row, tags.row, agentsBox],
    "Save department",
    async () => {
      const body = {
        name: name.input.value.trim(),
        email: email.input.value.trim(),
        enabled: enabled.input.checked,
        showOnRegistration: registration.input.checked,
        showOnOfflineForm: offline.input.checked,
        requestTagBeforeClosingChat: requireTags.input.checked,
        chatClosingTags: tags.input.value.split(",").map((t) => t.trim()).filter(Boolean),
      };
      if (!body.name) throw new Error("A department needs a name.");
      const answer = department
        ? await api.call("PUT", `livechat/department/${department._id}`, { body: { department: body } })
        : await api.post("livechat/department", { department: body });
      const id = answer.department._id;
      const upsert = boxes.filter((b) => b.input.checked && !currentIds.has(b.agent._id));
      const remove = boxes.filter((b) => !b.input.checked && currentIds.has(b.agent._id));
      if (upsert.length || remove.length) {
        const link = (b) => ({ agentId: b.agent._id, username: b.agent.username });
        await api.post(`livechat/department/${id}/agents`, { upsert: upsert.map(link), remove: remove.map(link) });
      }
      toast(`Department ${body.name} saved`);
      refresh();
    },
  );
  name.input.focus();
}
