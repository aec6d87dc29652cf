// First run: no administrator exists yet. The server accepts this from its own machine, or
// with the one-time set-up code it printed in its log at start (`POST /api/v1/setup`).

import * as api from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { field, formError } from "./forms.js";

export function renderSetup(root, { codeRequired, onDone }) {
  document.title = "Set up · Livechat";
  const name = field("Name", { name: "name", autocomplete: "name", required: true });
  const username = field("Username", { name: "username", autocomplete: "username", required: true });
  const email = field("E-mail", { name: "email", type: "email", autocomplete: "email", required: true });
  const password = field("Password", {
    name: "password",
    type: "password",
    autocomplete: "new-password",
    required: true,
    minlength: 8,
    hint: "At least 8 characters.",
  });
  const code = codeRequired
    ? field("Set-up code", {
        name: "code",
        autocomplete: "one-time-code",
        required: true,
        hint: "The server printed it in its log when it started.",
      })
    : null;
  const problem = formError();
  const submit = h("button", { type: "submit", class: "primary", text: "Create administrator" });
  const form = h(
    "form",
    { class: "card narrow", "aria-labelledby": "setup-title" },
    h("h1", { id: "setup-title", text: "Create the administrator" }),
    h("p", {
      class: "muted",
      text: "This server has no administrator yet. The first account manages the desk and can answer chats.",
    }),
    name.row,
    username.row,
    email.row,
    password.row,
    code?.row,
    problem,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    problem.hidden = true;
    try {
      const { data } = await api.post("setup", {
        name: name.input.value.trim(),
        username: username.input.value.trim(),
        email: email.input.value.trim(),
        password: password.input.value,
        ...(code ? { code: code.input.value.trim() } : {}),
      });
      api.session.save(data.userId, data.authToken);
      onDone();
    } catch (err) {
      problem.textContent = err.message;
      problem.hidden = false;
      submit.disabled = false;
    }
  });
  replaceChildren(root, h("main", { class: "centered" }, form));
  name.input.focus();
}
