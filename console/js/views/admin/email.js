// E-mail: the SMTP settings and the offline form's address (`GET`/`POST settings/:id`,
// administrators), and "Send a test" (`method.call/sendSMTPTestEmail`), which mails the
// administrator at once and shows the mail server's answer. The password is never read back:
// leaving its field empty keeps the stored one.

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { field } from "../forms.js";
import { toast } from "../toast.js";
import { busy, check, loading, page, readOnlyNote } from "./common.js";
import { methodCall } from "./method-call.js";

const IDS = ["SMTP_Protocol", "SMTP_Host", "SMTP_Port", "SMTP_Username", "SMTP_IgnoreTLS", "From_Email", "Livechat_offline_email"];

export function renderEmail(container, { access }) {
  const mayView = access.has("view-privileged-setting");
  const mayEdit = access.has("edit-privileged-setting");
  const body = h("div");
  container.replaceChildren(
    page(
      "E-mail",
      "The mail server for offline messages and transcripts. Empty fields use the server's configuration file or environment. Changes apply at once, also to mail already waiting (see Outbox).",
      body,
    ),
  );
  if (!mayView) {
    body.append(readOnlyNote("Only administrators (permission edit-privileged-setting) read and change the mail settings."));
    return;
  }
  loading(body, async () => {
    const values = Object.fromEntries(
      await Promise.all(IDS.map(async (id) => [id, (await api.get(`settings/${id}`)).value])),
    );
    const password = await api.get("settings/SMTP_Password");
    const protocol = field("Protocol", {
      tag: "select",
      options: [
        { value: "", label: "As configured (smtp by default)" },
        { value: "smtp", label: "smtp: STARTTLS when the server offers it" },
        { value: "smtps", label: "smtps: TLS from the start (port 465)" },
      ],
      disabled: !mayEdit,
    });
    protocol.input.value = values.SMTP_Protocol;
    const host = field("Host", { value: values.SMTP_Host, placeholder: "mail.example.com", disabled: !mayEdit });
    const port = field("Port", {
      type: "number",
      min: 0,
      max: 65535,
      value: String(values.SMTP_Port),
      hint: "0: as configured, else 25 (465 for smtps).",
      disabled: !mayEdit,
    });
    const username = field("User name", { value: values.SMTP_Username, autocomplete: "off", disabled: !mayEdit });
    const secret = field("Password", {
      type: "password",
      autocomplete: "new-password",
      placeholder: password.valueSet ? "Stored: leave empty to keep it" : "Not set",
      disabled: !mayEdit,
    });
    const ignoreTls = check("Never use STARTTLS (only for a server on a trusted network)", {
      checked: values.SMTP_IgnoreTLS,
      disabled: !mayEdit,
    });
    const from = field("From address", {
      value: values.From_Email,
      placeholder: "Help desk <desk@example.com>",
      disabled: !mayEdit,
    });
    const offline = field("Offline messages go to", {
      value: values.Livechat_offline_email,
      placeholder: "support@example.com",
      hint: "Used when the visitor's department has no e-mail of its own. Several: separate with commas.",
      disabled: !mayEdit,
    });
    const submit = h("button", { type: "submit", class: "primary", text: "Save e-mail settings", disabled: !mayEdit });
    const test = h("button", { type: "button", text: "Send a test to me", disabled: !mayEdit });
    const form = h(
      "form",
      { class: "admin-form-card" },
      mayEdit ? null : readOnlyNote("Only administrators change these settings."),
      protocol.row,
      host.row,
      port.row,
      username.row,
      secret.row,
      ignoreTls.row,
      from.row,
      offline.row,
      h("div", { class: "row end" }, test, submit),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const wanted = {
        SMTP_Protocol: protocol.input.value,
        SMTP_Host: host.input.value.trim(),
        SMTP_Port: Number(port.input.value || 0),
        SMTP_Username: username.input.value.trim(),
        SMTP_IgnoreTLS: ignoreTls.input.checked,
        From_Email: from.input.value.trim(),
        Livechat_offline_email: offline.input.value.trim(),
      };
      const changed = IDS.filter((id) => wanted[id] !== values[id]);
      const newPassword = secret.input.value;
      if (changed.length === 0 && !newPassword) {
        toast("Nothing to save");
        return;
      }
      await busy(
        submit,
        async () => {
          for (const id of changed) {
            await api.post(`settings/${id}`, { value: wanted[id] });
            values[id] = wanted[id];
          }
          if (newPassword) {
            await api.post("settings/SMTP_Password", { value: newPassword });
            secret.input.value = "";
            secret.input.placeholder = "Stored: leave empty to keep it";
          }
        },
        "E-mail settings saved",
      );
    });
    test.addEventListener("click", () =>
      busy(test, async () => {
        const answer = await methodCall("sendSMTPTestEmail");
        toast(`Test mail sent to ${answer.params?.[0] ?? "you"}`);
      }),
    );
    body.replaceChildren(form);
  });
}
