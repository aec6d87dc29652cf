// Editing the visitor and its chat from the visitor panel, as Rocket.Chat's room.saveInfo
// does it: contact details, topic, tags and custom fields of both scopes, in one request.

import * as api from "../api.js";
import { h } from "../dom.js";
import { field, formError } from "./forms.js";

/**
 * Replaces `container`'s children with the form. `onSaved` runs after the server accepted
 * it, `onCancel` when the agent gives up; both put the panel back.
 */
export function renderVisitorEdit(container, { room, visitor, onSaved, onCancel }) {
  const name = field("Name", { name: "name", autocomplete: "off", value: visitor?.name ?? room.fname ?? "" });
  const email = field("E-mail", { name: "email", type: "email", autocomplete: "off", value: visitor?.visitorEmails?.[0]?.address ?? "" });
  const phone = field("Phone", { name: "phone", type: "tel", autocomplete: "off", value: visitor?.phone?.[0]?.phoneNumber ?? "" });
  const topic = field("Topic", { name: "topic", value: room.topic ?? "" });
  const tags = field("Tags", { name: "tags", value: (room.tags ?? []).join(", "), hint: "Separated by commas" });
  tags.input.setAttribute("aria-describedby", hintId(tags.row));

  // One box per custom field the visitor or the chat already has; without a staff route that
  // lists the definitions, unset fields cannot be offered.
  const visitorData = Object.entries(visitor?.livechatData ?? {});
  const roomData = Object.entries(room.livechatData ?? {});
  const visitorKeys = new Set(visitorData.map(([key]) => key));
  const visitorFields = visitorData.map(([key, value]) => [key, field(key, { value: String(value ?? "") })]);
  const roomFields = roomData.map(([key, value]) => [
    key,
    field(visitorKeys.has(key) ? `${key} (chat)` : key, { value: String(value ?? "") }),
  ]);

  const problem = formError();
  const save = h("button", { type: "submit", class: "primary", text: "Save" });
  const cancel = h("button", { type: "button", text: "Cancel", onclick: () => onCancel() });
  const form = h(
    "form",
    { class: "visitor-edit", "aria-labelledby": "visitor-edit-title" },
    h("h3", { id: "visitor-edit-title", text: "Edit visitor and chat" }),
    name.row,
    email.row,
    phone.row,
    visitorFields.length ? h("p", { class: "muted small group", text: "Visitor fields" }) : null,
    visitorFields.map(([, f]) => f.row),
    topic.row,
    tags.row,
    roomFields.length ? h("p", { class: "muted small group", text: "Chat fields" }) : null,
    roomFields.map(([, f]) => f.row),
    problem,
    h("div", { class: "row end" }, cancel, save),
  );
  form.addEventListener("keydown", (event) => {
    if (event.key === "Escape") onCancel();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    save.disabled = true;
    problem.hidden = true;
    const collect = (fields) => Object.fromEntries(fields.map(([key, f]) => [key, f.input.value.trim()]));
    const body = {
      guestData: {
        _id: room.v._id,
        name: name.input.value.trim(),
        email: email.input.value.trim(),
        phone: phone.input.value.trim(),
        livechatData: collect(visitorFields),
      },
      roomData: {
        _id: room._id,
        topic: topic.input.value.trim(),
        tags: tags.input.value.split(",").map((t) => t.trim()).filter(Boolean),
        livechatData: collect(roomFields),
      },
    };
    try {
      await api.post("livechat/room.saveInfo", body);
      await onSaved();
    } catch (error) {
      problem.textContent = `Not saved: ${error.message}`;
      problem.hidden = false;
      save.disabled = false;
    }
  });
  container.replaceChildren(form);
  name.input.focus();
}

/** Gives a field's hint an id so the input can point at it. */
function hintId(row) {
  const hint = row.querySelector("small");
  if (!hint) return undefined;
  hint.id ||= `hint-${Math.random().toString(36).slice(2)}`;
  return hint.id;
}
