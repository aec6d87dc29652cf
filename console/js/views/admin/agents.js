// Agents and managers (`livechat/users/agent`, `livechat/users/manager`): list, add by
// username, remove; an agent's own limit of simultaneous chats (`livechat/agents.saveInfo`)
// and the departments it belongs to.

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { field } from "../forms.js";
import { all, busy, loading, page, readOnlyNote, table } from "./common.js";

export function renderAgents(container, { access }) {
  const mayEdit = access.has("manage-livechat-agents");
  const agents = h("div");
  const managers = h("div");
  let departmentNames = new Map();
  const refresh = async () => {
    const departments = await all("livechat/department", "departments").catch(() => []);
    departmentNames = new Map(departments.map((d) => [d._id, d.name]));
    await Promise.all([renderList("agent", agents), renderList("manager", managers)]);
  };
  const renderList = (kind, box) =>
    loading(box, async () => {
      const users = await all(`livechat/users/${kind}`, "users");
      users.sort((a, b) => a.username.localeCompare(b.username));
      const columns =
        kind === "agent"
          ? ["Name", "Username", "Availability", "Departments", "Simultaneous chats", "Actions"]
          : ["Name", "Username", "Actions"];
      box.replaceChildren(
        users.length === 0
          ? h("p", { class: "muted", text: kind === "agent" ? "No agents yet." : "No managers yet." })
          : table(
              kind === "agent" ? "Agents" : "Managers",
              columns,
              users.map((user) => {
                const remove = mayEdit
                  ? h("button", {
                      type: "button",
                      class: "small danger",
                      text: "Remove",
                      "aria-label": `Remove ${user.username} from the ${kind}s`,
                      onclick: async (event) => {
                        if (!confirm(`Remove ${user.username} from the ${kind}s?`)) return;
                        const ok = await busy(event.currentTarget, () => api.call("DELETE", `livechat/users/${kind}/${user._id}`), `${user.username} removed`);
                        if (ok) refresh();
                      },
                    })
                  : "";
                if (kind === "manager") return [user.name ?? "", user.username, remove];
                return [
                  user.name ?? "",
                  user.username,
                  user.statusLivechat === "available" ? "Available" : "Away",
                  (user.departments ?? []).map((id) => departmentNames.get(id) ?? id).join(", ") || "None",
                  limitEditor(user, mayEdit),
                  remove,
                ];
              }),
            ),
      );
    });
  container.replaceChildren(
    page(
      "Agents and managers",
      "Agents take chats; managers administer the desk. A user must exist (see Users) before it can be added.",
      mayEdit ? null : readOnlyNote("You may look at this list but not change it."),
      h("h2", { text: "Agents" }),
      mayEdit ? addForm("agent", refresh) : null,
      agents,
      h("h2", { text: "Managers" }),
      mayEdit ? addForm("manager", refresh) : null,
      managers,
    ),
  );
  refresh();
}

function addForm(kind, refresh) {
  const username = field(kind === "agent" ? "Username of the new agent" : "Username of the new manager", { required: true, autocomplete: "off" });
  const submit = h("button", { type: "submit", text: kind === "agent" ? "Add agent" : "Add manager" });
  const form = h("form", { class: "inline-form" }, username.row, submit);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const name = username.input.value.trim();
    const ok = await busy(submit, () => api.post(`livechat/users/${kind}`, { username: name }), `${name} added`);
    if (ok) {
      form.reset();
      refresh();
    }
  });
  return form;
}

/** The agent's own limit (empty or 0: the global one). */
function limitEditor(user, mayEdit) {
  const current = user.livechat?.maxNumberSimultaneousChat ?? "";
  if (!mayEdit) return current === "" ? "Global limit" : String(current);
  const input = h("input", {
    type: "number",
    min: 0,
    max: 10000,
    class: "limit",
    value: String(current),
    placeholder: "global",
    "aria-label": `Simultaneous chats of ${user.username}`,
  });
  const save = h("button", { type: "submit", class: "small", text: "Save", "aria-label": `Save the limit of ${user.username}` });
  const form = h("form", { class: "row nowrap" }, input, save);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    busy(
      save,
      () => api.post("livechat/agents.saveInfo", { agentId: user._id, agentData: { maxNumberSimultaneousChat: input.value.trim() } }),
      `Limit of ${user.username} saved`,
    );
  });
  return form;
}
