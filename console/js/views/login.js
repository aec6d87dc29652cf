// Logging in with a username or e-mail and a password (`POST /api/v1/login`).

import * as api from "../api.js";
import { h, replaceChildren } from "../dom.js";
import { field, formError } from "./forms.js";

export function renderLogin(root, { onDone, error } = {}) {
  document.title = "Log in · Livechat";
  const user = field("Username or e-mail", { name: "user", autocomplete: "username", required: true });
  const password = field("Password", {
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  const problem = formError(error);
  const submit = h("button", { type: "submit", class: "primary", text: "Log in" });
  const form = h(
    "form",
    { class: "card narrow", "aria-labelledby": "login-title" },
    h("h1", { id: "login-title", text: "Log in" }),
    h("p", { class: "muted", text: "The agent console of this livechat server." }),
    user.row,
    password.row,
    problem,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    problem.hidden = true;
    try {
      const { data } = await api.post("login", {
        user: user.input.value.trim(),
        password: password.input.value,
      });
      api.session.save(data.userId, data.authToken);
      onDone();
    } catch (err) {
      problem.textContent = err.status === 401 ? "Wrong username, e-mail or password." : err.message;
      problem.hidden = false;
      submit.disabled = false;
      password.input.select();
    }
  });
  replaceChildren(root, h("main", { class: "centered" }, form));
  user.input.focus();
}
