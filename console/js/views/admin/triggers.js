// Triggers (`livechat/triggers`: list, save, delete): messages the widget shows by itself when
// a condition holds (time on the site, a page's address, the chat being opened…).

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { field } from "../forms.js";
import { toast } from "../toast.js";
import { all, busy, check, loading, modal, page, table } from "./common.js";

const CONDITIONS = [
  { value: "time-on-site", label: "Time on the site (seconds)" },
  { value: "page-url", label: "Page address matches" },
  { value: "chat-opened-by-visitor", label: "The visitor opens the chat" },
  { value: "after-guest-registration", label: "After the visitor registers" },
];
const WITH_VALUE = new Set(["time-on-site", "page-url"]);

function describe(trigger) {
  return (trigger.conditions ?? [])
    .map((c) => {
      const known = CONDITIONS.find((k) => k.value === c.name)?.label ?? c.name;
      return WITH_VALUE.has(c.name) ? `${known}: ${c.value ?? ""}` : known;
    })
    .join("; ");
}

function messageOf(trigger) {
  return (trigger.actions ?? []).find((a) => a.name === "send-message")?.params ?? {};
}

export function renderTriggers(container) {
  const list = h("div");
  const refresh = () =>
    loading(list, async () => {
      const triggers = await all("livechat/triggers", "triggers");
      list.replaceChildren(
        triggers.length === 0
          ? h("p", { class: "muted", text: "No triggers yet." })
          : table(
              "Triggers",
              ["Name", "When", "Message", "Enabled", "Actions"],
              triggers.map((t) => [
                h("span", { class: "name", text: t.name }),
                describe(t),
                messageOf(t).msg ?? "",
                t.enabled ? "Yes" : "No",
                h(
                  "div",
                  { class: "row" },
                  h("button", { type: "button", class: "small", text: "Edit", "aria-label": `Edit ${t.name}`, onclick: () => editTrigger(t, refresh) }),
                  h("button", {
                    type: "button",
                    class: "small",
                    text: t.enabled ? "Disable" : "Enable",
                    "aria-label": `${t.enabled ? "Disable" : "Enable"} ${t.name}`,
                    onclick: async (event) => {
                      const ok = await busy(
                        event.currentTarget,
                        () => api.post("livechat/triggers", { ...savable(t), enabled: !t.enabled }),
                        `${t.name} ${t.enabled ? "disabled" : "enabled"}`,
                      );
                      if (ok) refresh();
                    },
                  }),
                  h("button", {
                    type: "button",
                    class: "small danger",
                    text: "Delete",
                    "aria-label": `Delete ${t.name}`,
                    onclick: async (event) => {
                      if (!confirm(`Delete the trigger ${t.name}?`)) return;
                      const ok = await busy(event.currentTarget, () => api.call("DELETE", `livechat/triggers/${t._id}`), `${t.name} deleted`);
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
      "Triggers",
      "Messages the widget shows by itself, for example after some time on a page.",
      h("div", { class: "row" }, h("button", { type: "button", class: "primary", text: "New trigger", onclick: () => editTrigger(null, refresh) })),
      list,
    ),
  );
  refresh();
}

/** The fields the save route accepts (the listing adds `_updatedAt`). */
function savable(t) {
  return { _id: t._id, name: t.name, description: t.description ?? "", enabled: t.enabled, runOnce: t.runOnce, conditions: t.conditions, actions: t.actions };
}

/** One condition's row: what, and its value when it takes one. */
function conditionRow(condition, index, onRemove) {
  const kind = field(`Condition ${index + 1}`, { tag: "select", options: CONDITIONS });
  kind.input.value = condition.name;
  const value = field(`Value of condition ${index + 1}`, { value: condition.value ?? "", autocomplete: "off" });
  const sync = () => (value.row.hidden = !WITH_VALUE.has(kind.input.value));
  kind.input.addEventListener("change", sync);
  sync();
  const remove = h("button", { type: "button", class: "small", text: "Remove", "aria-label": `Remove condition ${index + 1}`, onclick: onRemove });
  const row = h("div", { class: "condition" }, kind.row, value.row, remove);
  return { row, read: () => ({ name: kind.input.value, value: WITH_VALUE.has(kind.input.value) ? value.input.value.trim() : null }) };
}

function editTrigger(existing, refresh) {
  const t = existing ?? { enabled: true, runOnce: false, conditions: [{ name: "time-on-site", value: "10" }], actions: [] };
  const name = field("Name", { required: true, value: t.name ?? "", autocomplete: "off" });
  const description = field("Description", { value: t.description ?? "", autocomplete: "off" });
  const enabled = check("Enabled", { checked: t.enabled });
  const runOnce = check("Only once per visitor", { checked: t.runOnce });
  const params = messageOf(t);
  const sender = field("Sender", {
    tag: "select",
    options: [
      { value: "queue", label: "The next agent" },
      { value: "custom", label: "A name of my choice" },
    ],
  });
  sender.input.value = params.sender ?? "queue";
  const senderName = field("Sender name", { value: params.name ?? "", autocomplete: "off" });
  const syncSender = () => (senderName.row.hidden = sender.input.value !== "custom");
  sender.input.addEventListener("change", syncSender);
  syncSender();
  const message = field("Message", { tag: "textarea", required: true, rows: 3 });
  message.input.value = params.msg ?? "";

  let conditions = (t.conditions?.length ? t.conditions : [{ name: "time-on-site", value: "10" }]).map((c) => ({ ...c }));
  const conditionBox = h("fieldset", { class: "conditions" });
  let rows = [];
  const drawConditions = () => {
    rows = conditions.map((c, i) =>
      conditionRow(c, i, () => {
        conditions = rows.map((r) => r.read()).filter((_, j) => j !== i);
        drawConditions();
      }),
    );
    conditionBox.replaceChildren(
      h("legend", { text: "Conditions (all must hold)" }),
      ...rows.map((r) => r.row),
      h("button", {
        type: "button",
        class: "small",
        text: "Add a condition",
        onclick: () => {
          conditions = [...rows.map((r) => r.read()), { name: "page-url", value: "" }];
          drawConditions();
        },
      }),
    );
  };
  drawConditions();

  modal(
    existing ? `Edit ${existing.name}` : "New trigger",
    [name.row, description.row, enabled.row, runOnce.row, conditionBox, h("fieldset", {}, h("legend", { text: "Send a message" }), sender.row, senderName.row, message.row)],
    "Save trigger",
    async () => {
      const action = { sender: sender.input.value, msg: message.input.value.trim() };
      if (action.sender === "custom") action.name = senderName.input.value.trim();
      const body = {
        name: name.input.value.trim(),
        description: description.input.value.trim(),
        enabled: enabled.input.checked,
        runOnce: runOnce.input.checked,
        conditions: rows.map((r) => r.read()),
        actions: [{ name: "send-message", params: action }],
      };
      if (!body.name || !action.msg) throw new Error("A trigger needs a name and a message.");
      if (body.conditions.length === 0) throw new Error("A trigger needs at least one condition.");
      if (existing) body._id = existing._id;
      await api.post("livechat/triggers", body);
      toast(`Trigger ${body.name} saved`);
      refresh();
    },
  );
  name.input.focus();
}
