// CRM webhooks: the URL, the secret, the timeout and which events are sent, read with
// `GET livechat/integrations.settings` (the secret comes masked: it is replaced, never shown)
// and saved with `POST settings/:id`, only those changed; "Send a test" calls
// `POST livechat/webhook.test` and shows what the CRM answered.

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { field } from "../forms.js";
import { toast } from "../toast.js";
import { check, loading, page, readOnlyNote } from "./common.js";

const URL_ID = "Livechat_webhookUrl";
const SECRET_ID = "Livechat_secret_token";
const TIMEOUT_ID = "Livechat_http_timeout";
// Not among Rocket.Chat's `integrations.settings`: read on its own.
const CAPTURE_ID = "Livechat_webhook_on_capture";
/** What `integrations.settings` shows for a secret that is set. */
const MASK = "********";

const EVENTS = [
  ["Livechat_webhook_on_start", "A chat starts"],
  ["Livechat_webhook_on_chat_queued", "A chat waits in the queue"],
  ["Livechat_webhook_on_chat_taken", "An agent takes a chat"],
  ["Livechat_webhook_on_forward", "A chat is forwarded"],
  ["Livechat_webhook_on_close", "A chat is closed (with all its messages; also later edits of it)"],
  ["Livechat_webhook_on_visitor_message", "A visitor sends a message"],
  ["Livechat_webhook_on_agent_message", "An agent sends a message"],
  ["Livechat_webhook_on_offline_msg", "A visitor leaves an offline message"],
  [CAPTURE_ID, "A visitor writes an e-mail address or phone number (lead capture)"],
];

export function renderWebhooks(container, { access }) {
  const mayEdit = access.has("edit-privileged-setting");
  const mayTest = access.has("view-livechat-webhooks");
  const body = h("div");
  container.replaceChildren(
    page(
      "Webhooks",
      "Send chat events to your CRM as JSON POSTs. Only an HTTP 200 answer counts; otherwise the server tries again every 4 × the timeout, 10 times in all. Failed deliveries are listed in the outbox.",
      body,
    ),
  );
  loading(body, async () => {
    const { settings } = await api.get("livechat/integrations.settings");
    const values = Object.fromEntries(settings.map((s) => [s._id, s.value]));
    if (access.has("view-privileged-setting")) values[CAPTURE_ID] = (await api.get(`settings/${CAPTURE_ID}`)).value;
    const url = field("Webhook URL", {
      type: "url",
      value: values[URL_ID] ?? "",
      placeholder: "https://crm.example.com/livechat",
      hint: "http or https. Private, loopback and link-local addresses are refused unless the server allows them (allow_private_network_webhooks).",
      disabled: !mayEdit,
    });
    const secretSet = values[SECRET_ID] === MASK;
    const secret = field("Secret token", {
      type: "password",
      autocomplete: "new-password",
      placeholder: secretSet ? "Set (type to replace)" : "Not set",
      hint: "Sent as the X-RocketChat-Livechat-Token header when set.",
      disabled: !mayEdit,
    });
    const clearSecret = secretSet ? check("Remove the secret token", { disabled: !mayEdit }) : null;
    const timeout = field("Timeout (ms)", {
      type: "number",
      min: 1,
      value: String(values[TIMEOUT_ID] ?? 5000),
      disabled: !mayEdit,
    });
    const switches = EVENTS.map(([id, label]) => [id, check(label, { checked: values[id], disabled: !mayEdit })]);
    const submit = h("button", { type: "submit", class: "primary", text: "Save webhooks", disabled: !mayEdit });
    const result = h("p", { class: "test-result muted", role: "status", "aria-live": "polite" });
    const testButton = h("button", { type: "button", text: "Send a test", disabled: !mayTest });
    testButton.addEventListener("click", async () => {
      testButton.disabled = true;
      result.className = "test-result muted";
      result.textContent = "Sending a sample chat…";
      try {
        await api.post("livechat/webhook.test");
        result.className = "test-result ok";
        result.textContent = "The CRM answered 200: the test was delivered.";
      } catch (error) {
        result.className = "test-result error";
        result.textContent = `The test failed: ${error.message}`;
      } finally {
        testButton.disabled = !mayTest;
      }
    });
    const form = h(
      "form",
      { class: "admin-form-card" },
      mayEdit ? null : readOnlyNote("Only administrators change these settings."),
      url.row,
      secret.row,
      clearSecret?.row ?? null,
      timeout.row,
      h("fieldset", { class: "checks" }, h("legend", { text: "Send when" }), ...switches.map(([, c]) => c.row)),
      h("div", { class: "row end" }, testButton, submit),
      result,
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const wanted = {
        [URL_ID]: url.input.value.trim(),
        [TIMEOUT_ID]: Number(timeout.input.value || 5000),
      };
      for (const [id, c] of switches) wanted[id] = c.input.checked;
      if (secret.input.value !== "") wanted[SECRET_ID] = secret.input.value;
      else if (clearSecret?.input.checked) wanted[SECRET_ID] = "";
      const changed = Object.keys(wanted).filter((id) => wanted[id] !== values[id]);
      if (changed.length === 0) {
        toast("Nothing to save");
        return;
      }
      submit.disabled = true;
      try {
        for (const id of changed) {
          await api.post(`settings/${id}`, { value: wanted[id] });
          values[id] = id === SECRET_ID && wanted[id] !== "" ? MASK : wanted[id];
        }
        secret.input.value = "";
        secret.input.placeholder = values[SECRET_ID] === MASK ? "Set (type to replace)" : "Not set";
        toast("Webhooks saved");
      } catch (error) {
        toast(error.message, { error: true });
      } finally {
        submit.disabled = !mayEdit;
      }
    });
    body.replaceChildren(form);
  });
}
