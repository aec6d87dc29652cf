// What an agent does to a chat besides writing: close it (with a comment), forward it to an
// agent or a department (with a comment), return it to the queue.

import * as api from "../api.js";
import { h } from "../dom.js";
import { field } from "./forms.js";
import { modal } from "./modal.js";
import { toast } from "./toast.js";

export function closeDialog({ room, desk }) {
  const comment = field("Comment", { tag: "textarea", rows: 3, name: "comment" });
  const tags = tagPicker();
  modal(
    "Close chat",
    [h("p", { class: "muted", text: `The chat with ${room.fname} ends for the visitor too.` }), comment.row, tags.box],
    "Close chat",
    async () => {
      const chosen = tags.chosen();
      if (tags.required && chosen.length === 0) throw new Error("This department requires at least one tag.");
      await api.post("livechat/room.closeByUser", {
        rid: room._id,
        comment: comment.input.value.trim() || undefined,
        tags: chosen.length ? chosen : undefined,
      });
      toast("Chat closed");
    },
    { danger: true },
  );
  comment.input.focus();
  tags.load(room, desk);
}

/**
 * The close dialog's "Tags": a checkbox per tag of the room's department (and of every
 * department), or a text field when none are defined; a note when the department requires one.
 */
function tagPicker() {
  const legend = h("legend", { text: "Tags" });
  const noteId = `tags-note-${Math.random().toString(36).slice(2)}`;
  const note = h("small", { id: noteId, class: "muted", hidden: true, text: "This department requires at least one tag." });
  const options = h("div", { class: "tag-options" });
  const box = h("fieldset", { class: "tags", hidden: true, "aria-describedby": noteId }, legend, note, options);
  let free = null;
  const picker = {
    box,
    required: false,
    chosen() {
      const checked = [...options.querySelectorAll("input[type=checkbox]:checked")].map((c) => c.value);
      const typed = free ? free.input.value.split(",").map((t) => t.trim()).filter(Boolean) : [];
      return [...new Set(checked.concat(typed))];
    },
    async load(room, desk) {
      const departmentId = room.departmentId;
      let department = desk?.departments?.find((d) => d._id === departmentId);
      if (departmentId && !department) {
        department = (await api.get(`livechat/department/${departmentId}`).catch(() => null))?.department;
      }
      picker.required = Boolean(department?.requestTagBeforeClosingChat);
      const answer = await api
        .get("livechat/tags", { department: departmentId, count: 100 })
        .catch(() => ({ tags: [] }));
      for (const tag of answer.tags ?? []) {
        const id = `tag-${Math.random().toString(36).slice(2)}`;
        options.append(
          h(
            "div",
            { class: "check" },
            h("input", { type: "checkbox", id, value: tag.name }),
            h("label", { for: id, text: tag.name, title: tag.description || undefined }),
          ),
        );
      }
      if (!answer.tags?.length) {
        if (!picker.required) return; // nothing to offer, nothing asked
        free = field("Tags (separated by commas)", { name: "tags" });
        options.append(free.row);
      }
      note.hidden = !picker.required;
      box.hidden = false;
    },
  };
  return picker;
}

export async function forwardDialog({ room, desk }) {
  const departments = field("Department", {
    tag: "select",
    name: "department",
    options: [{ value: "", label: "Keep the department" }].concat(
      desk.departments.filter((d) => d.enabled !== false).map((d) => ({ value: d._id, label: d.name })),
    ),
  });
  const agents = field("Agent", {
    tag: "select",
    name: "agent",
    options: [{ value: "", label: "Any agent of the department" }],
  });
  const comment = field("Comment", { tag: "textarea", rows: 2, name: "comment" });
  modal("Forward chat", [departments.row, agents.row, comment.row], "Forward", async () => {
    const body = { roomId: room._id, comment: comment.input.value.trim() || undefined };
    if (departments.input.value) body.departmentId = departments.input.value;
    if (agents.input.value) body.userId = agents.input.value;
    if (!body.departmentId && !body.userId) throw new Error("Choose a department or an agent.");
    await api.post("livechat/room.forward", body);
    toast("Chat forwarded");
  });
  for (const agent of await forwardableAgents(desk)) {
    if (agent._id === room.servedBy?._id) continue;
    // The department lists (a plain agent's source) do not say who is available.
    const known = agent.statusLivechat !== undefined;
    const status = !known || (agent.statusLivechat === "available" && agent.status !== "offline") ? "" : " (away)";
    agents.input.append(h("option", { value: agent._id, text: `${agent.name || agent.username}${status}` }));
  }
}

/**
 * Agents one may forward to: all of them for those who may list agents (managers); for a plain
 * agent, the agents of the departments it can see.
 */
async function forwardableAgents(desk) {
  try {
    const { users } = await api.get("livechat/users/agent", { count: 500 });
    return users;
  } catch {
    const found = new Map();
    for (const department of desk.departments) {
      // `department/:id?includeAgents` leaves the agents out for those without
      // view-livechat-departments; the department's agent list is readable by its agents.
      const answer = await api.get(`livechat/department/${department._id}/agents`, { count: 500 }).catch(() => null);
      for (const agent of answer?.agents ?? []) {
        found.set(agent.agentId, { _id: agent.agentId, username: agent.username, name: agent.name });
      }
    }
    return [...found.values()].filter((a) => a._id !== desk.me._id);
  }
}

export function returnToQueue({ room }) {
  modal(
    "Return to queue",
    [h("p", { class: "muted", text: "The chat goes back to the queue for any agent to take." })],
    "Return to queue",
    async () => {
      await api.post("livechat/inquiries.returnAsInquiry", { roomId: room._id });
      toast("Chat returned to the queue");
    },
  );
}

/**
 * "Send transcript": asks the server to mail the conversation when it closes
 * (`POST livechat/transcript/:rid`), or cancels a pending request (`DELETE`).
 */
export function transcriptDialog({ room }) {
  const pending = room.transcriptRequest;
  if (pending) {
    modal(
      "Transcript requested",
      [h("p", { class: "muted", text: `The transcript goes to ${pending.email} when the chat closes.` })],
      "Cancel the request",
      async () => {
        await api.call("DELETE", `livechat/transcript/${room._id}`);
        toast("Transcript request cancelled");
      },
      { danger: true },
    );
    return;
  }
  const email = field("E-mail", { type: "email", name: "email", required: true, autocomplete: "off" });
  const subject = field("Subject", { name: "subject", required: true, value: "Transcript of your livechat conversation" });
  modal(
    "Send transcript",
    [h("p", { class: "muted", text: "The conversation is mailed to this address when the chat closes." }), email.row, subject.row],
    "Send when closed",
    async () => {
      await api.post(`livechat/transcript/${room._id}`, {
        email: email.input.value.trim(),
        subject: subject.input.value.trim(),
      });
      toast("Transcript will be sent when the chat closes");
    },
  );
  email.input.focus();
}
