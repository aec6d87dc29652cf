// Routing and queue: four settings read with `GET settings/:id` and saved with
// `POST settings/:id`, only those changed (`view-privileged-setting` /
// `edit-privileged-setting`: administrators by default).

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { field } from "../forms.js";
import { toast } from "../toast.js";
import { check, loading, page, readOnlyNote } from "./common.js";

const METHOD = "Livechat_Routing_Method";
const MAX = "Livechat_maximum_chats_per_agent";
const NO_AGENTS = "Livechat_accept_chats_with_no_agents";
const QUEUE_MESSAGE = "Livechat_waiting_queue_message";

export function renderRouting(container, { access }) {
  const mayView = access.has("view-privileged-setting");
  const mayEdit = access.has("edit-privileged-setting");
  const body = h("div");
  container.replaceChildren(
    page("Routing and queue", "How new chats reach agents. Changes apply at once.", body),
  );
  if (!mayView) {
    body.append(readOnlyNote("Only administrators (permission edit-privileged-setting) read and change the routing settings; ask one, or ask for that permission under Permissions."));
    return;
  }
  loading(body, async () => {
    const ids = [METHOD, MAX, NO_AGENTS, QUEUE_MESSAGE];
    const values = Object.fromEntries(
      await Promise.all(ids.map(async (id) => [id, (await api.get(`settings/${id}`)).value])),
    );
    const method = field("Routing method", {
      tag: "select",
      options: [
        { value: "Auto_Selection", label: "Automatic: the least busy available agent gets the chat" },
        { value: "Manual_Selection", label: "Manual: chats wait in the queue until an agent takes one" },
      ],
      disabled: !mayEdit,
    });
    method.input.value = values[METHOD];
    const max = field("Simultaneous chats per agent", {
      type: "number",
      min: 0,
      value: String(values[MAX]),
      hint: "0: no limit. An agent's own limit (under Agents) wins.",
      disabled: !mayEdit,
    });
    const noAgents = check("Accept chats when no agent is available (they wait in the queue)", { checked: values[NO_AGENTS], disabled: !mayEdit });
    const queue = field("Queue message", {
      tag: "textarea",
      rows: 3,
      hint: "Shown to a visitor waiting in the queue.",
      disabled: !mayEdit,
    });
    queue.input.value = values[QUEUE_MESSAGE];
    const submit = h("button", { type: "submit", class: "primary", text: "Save routing", disabled: !mayEdit });
    const form = h(
      "form",
      { class: "admin-form-card" },
      mayEdit ? null : readOnlyNote("Only administrators change these settings."),
      method.row,
      max.row,
      noAgents.row,
      queue.row,
      h("div", { class: "row end" }, submit),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const wanted = {
        [METHOD]: method.input.value,
        [MAX]: Number(max.input.value || 0),
        [NO_AGENTS]: noAgents.input.checked,
        [QUEUE_MESSAGE]: queue.input.value,
      };
      const changed = ids.filter((id) => wanted[id] !== values[id]);
      if (changed.length === 0) {
        toast("Nothing to save");
        return;
      }
      submit.disabled = true;
      try {
        for (const id of changed) {
          await api.post(`settings/${id}`, { value: wanted[id] });
          values[id] = wanted[id];
        }
        toast("Routing saved");
      } catch (error) {
        toast(error.message, { error: true });
      } finally {
        submit.disabled = false;
      }
    });
    body.replaceChildren(form);
  });
}
