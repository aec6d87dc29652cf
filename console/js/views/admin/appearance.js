// The widget's look and texts (`GET/POST livechat/appearance`, one all-or-nothing batch), a
// live preview drawn here (a mock of the widget, coloured through CSS variables), and the
// installation snippet for this server with a copy button.

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { field } from "../forms.js";
import { toast } from "../toast.js";
import { check, loading, page } from "./common.js";

/** Label and kind of each appearance setting, in the order shown. */
const FIELDS = [
  ["Livechat_title", "Title", "text"],
  ["Livechat_title_color", "Title bar colour", "color"],
  ["Livechat_widget_position", "Position on the page", "position"],
  ["Livechat_background", "Message list background (CSS colour, empty: default)", "text"],
  ["Livechat_show_agent_info", "Show the agent's name to visitors", "bool"],
  ["Livechat_show_agent_email", "Show the agent's e-mail to visitors", "bool"],
  ["Livechat_hide_watermark", "Hide the watermark", "bool"],
  ["Livechat_registration_form", "Ask visitors to register before chatting", "bool"],
  ["Livechat_name_field_registration_form", "Ask for the name", "bool"],
  ["Livechat_email_field_registration_form", "Ask for the e-mail", "bool"],
  ["Livechat_registration_form_message", "Registration form message", "textarea"],
  ["Livechat_display_offline_form", "Show the offline form when nobody is available", "bool"],
  ["Livechat_offline_title", "Offline title", "text"],
  ["Livechat_offline_title_color", "Offline title bar colour", "color"],
  ["Livechat_offline_message", "Offline form message", "textarea"],
  ["Livechat_offline_success_message", "Message after an offline message is sent", "textarea"],
  ["Livechat_offline_form_unavailable", "Message when the offline form is unavailable", "textarea"],
  ["Livechat_offline_email", "E-mail address that receives offline messages", "email"],
  ["Livechat_conversation_finished_message", "Message when a conversation ends", "textarea"],
  ["Livechat_conversation_finished_text", "Text after a conversation ends", "textarea"],
  ["Livechat_enable_message_character_limit", "Limit the length of messages", "bool"],
  ["Livechat_message_character_limit", "Longest message (characters)", "number"],
];

const GROUPS = [
  ["Look", 0, 4],
  ["Agent and watermark", 4, 7],
  ["Registration", 7, 11],
  ["Offline", 11, 18],
  ["End of a conversation", 18, 20],
  ["Messages", 20, 22],
];

export function renderAppearance(container, { access }) {
  const mayEdit = access.has("view-livechat-manager");
  const body = h("div");
  container.replaceChildren(
    page("Appearance", "The widget's texts and colours. Saved together; visitors see them when the widget next loads.", body),
  );
  loading(body, async () => {
    const { appearance } = await api.get("livechat/appearance");
    const values = Object.fromEntries(appearance.map((s) => [s._id, s.value]));
    const inputs = new Map();
    for (const [id, label, kind] of FIELDS) {
      const value = values[id];
      let control;
      if (kind === "bool") control = check(label, { checked: value === true || value === "true" });
      else if (kind === "position")
        control = field(label, {
          tag: "select",
          options: [
            { value: "right", label: "Bottom right" },
            { value: "left", label: "Bottom left" },
          ],
        });
      else if (kind === "textarea") control = field(label, { tag: "textarea", rows: 2 });
      else if (kind === "color") control = colorField(label);
      else control = field(label, { type: kind, ...(kind === "number" ? { min: 0 } : {}), autocomplete: "off" });
      if (kind !== "bool") control.input.value = value ?? "";
      if (kind === "color") control.sync();
      if (!mayEdit) control.input.disabled = true;
      inputs.set(id, { ...control, kind });
    }
    const read = () =>
      Object.fromEntries(
        FIELDS.map(([id, , kind]) => {
          const { input } = inputs.get(id);
          if (kind === "bool") return [id, input.checked];
          if (kind === "number") return [id, Number(input.value || 0)];
          return [id, input.value];
        }),
      );
    const preview = widgetPreview();
    const update = () => preview.show(read());
    update();
    const submit = h("button", { type: "submit", class: "primary", text: "Save appearance", disabled: !mayEdit });
    const form = h(
      "form",
      { class: "appearance-form" },
      GROUPS.map(([title, from, to]) =>
        h(
          "fieldset",
          { class: "group" },
          h("legend", { text: title }),
          FIELDS.slice(from, to).map(([id]) => inputs.get(id).row),
        ),
      ),
      h("div", { class: "row end sticky-actions" }, submit),
    );
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const wanted = read();
      submit.disabled = true;
      try {
        await api.post("livechat/appearance", Object.entries(wanted).map(([_id, value]) => ({ _id, value })));
        toast("Appearance saved");
      } catch (error) {
        toast(error.message, { error: true });
      } finally {
        submit.disabled = false;
      }
    });
    body.replaceChildren(
      h("div", { class: "appearance" }, form, h("div", { class: "appearance-side" }, preview.element, snippet())),
    );
  });
}

/** A colour as a picker plus its text (the setting may hold any CSS colour). */
function colorField(label) {
  const text = field(label, { autocomplete: "off", spellcheck: "false" });
  const picker = h("input", { type: "color", class: "swatch", "aria-label": `${label} picker` });
  text.row.append(h("div", { class: "row nowrap" }, picker));
  text.row.querySelector(".row").prepend(text.input);
  const sync = () => {
    if (/^#[0-9a-f]{6}$/i.test(text.input.value)) picker.value = text.input.value.toLowerCase();
  };
  picker.addEventListener("input", () => {
    text.input.value = picker.value;
    text.input.dispatchEvent(new Event("input", { bubbles: true }));
  });
  text.input.addEventListener("input", sync);
  return { row: text.row, input: text.input, sync };
}

/** A mock of the widget: header, a few messages, the composer; coloured via CSS variables. */
function widgetPreview() {
  const title = h("span", { class: "preview-title" });
  const agent = h("span", { class: "preview-agent" });
  const registration = h("p", { class: "preview-registration" });
  const watermark = h("p", { class: "preview-watermark", text: "Powered by Rocket.Chat" });
  const offlineTitle = h("span", { class: "preview-title" });
  const offlineMessage = h("p", { class: "preview-offline-text" });
  const widget = h(
    "div",
    { class: "preview-widget" },
    h("div", { class: "preview-header" }, title, agent),
    h(
      "div",
      { class: "preview-body" },
      registration,
      h("p", { class: "preview-msg visitor", text: "Hello, I have a question about my order." }),
      h("p", { class: "preview-msg agent", text: "Hi! Happy to help. What is the order number?" }),
    ),
    h("div", { class: "preview-composer" }, h("span", { text: "Type your message here" })),
    watermark,
  );
  const offline = h(
    "div",
    { class: "preview-widget offline" },
    h("div", { class: "preview-header" }, offlineTitle),
    h("div", { class: "preview-body" }, offlineMessage),
  );
  const element = h(
    "figure",
    { class: "widget-preview", "aria-label": "Widget preview" },
    h("figcaption", { text: "Preview (a sketch of the widget)" }),
    h("div", { class: "preview-stage" }, widget, offline),
  );
  const show = (v) => {
    title.textContent = v.Livechat_title || "Livechat";
    widget.style.setProperty("--preview-color", v.Livechat_title_color || "#C1272D");
    widget.style.setProperty("--preview-background", v.Livechat_background || "var(--surface)");
    agent.textContent = v.Livechat_show_agent_info ? `Ann Agent${v.Livechat_show_agent_email ? " · ann@example.com" : ""}` : "";
    registration.textContent = v.Livechat_registration_form ? v.Livechat_registration_form_message || "The visitor registers first." : "";
    registration.hidden = !v.Livechat_registration_form;
    watermark.hidden = Boolean(v.Livechat_hide_watermark);
    offline.hidden = !v.Livechat_display_offline_form;
    offlineTitle.textContent = v.Livechat_offline_title || "Leave a message";
    offline.style.setProperty("--preview-color", v.Livechat_offline_title_color || "#666666");
    offlineMessage.textContent = v.Livechat_offline_message || "We are not online right now. Leave a message.";
    element.dataset.position = v.Livechat_widget_position === "left" ? "left" : "right";
  };
  return { element, show };
}

/** Rocket.Chat's embedding snippet for this server, and a copy button. */
function snippet() {
  const origin = location.origin;
  const code = `<script type="text/javascript">
(function(w, d, s, u) {
  w.RocketChat = function(c) { w.RocketChat._.push(c) }; w.RocketChat._ = []; w.RocketChat.url = u;
  var h = d.getElementsByTagName(s)[0], j = d.createElement(s);
  j.async = true; j.src = '${origin}/livechat/rocketchat-livechat.min.js?_=201903270000';
  h.parentNode.insertBefore(j, h);
})(window, document, 'script', '${origin}/livechat');
</script>`;
  const pre = h("pre", { class: "snippet", tabindex: 0, "aria-labelledby": "snippet-title" }, h("code", { text: code }));
  const copy = h("button", {
    type: "button",
    text: "Copy snippet",
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(code);
        toast("Snippet copied");
      } catch {
        // No clipboard (insecure origin, or denied): select the text for a manual copy.
        const range = document.createRange();
        range.selectNodeContents(pre);
        const selection = getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        toast("Press Ctrl+C (⌘C) to copy the selected snippet");
      }
    },
  });
  return h(
    "section",
    { class: "installation", "aria-labelledby": "snippet-title" },
    h("h2", { id: "snippet-title", text: "Installation" }),
    h("p", { class: "muted", text: "Put this before </body> on every page of the site (the server needs its widget directory set, see the README)." }),
    pre,
    copy,
  );
}
