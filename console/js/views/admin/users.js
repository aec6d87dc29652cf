// Users (administrators: `manage-users`): the list (`users.list`), a new user
// (`users.create`), and per user: edit name / e-mail / roles, reset the password,
// deactivate or activate (`users.update`). Others get a note saying who can.

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { field } from "../forms.js";
import { toast } from "../toast.js";
import { all, busy, check, loading, modal, page, readOnlyNote, table } from "./common.js";

export function renderUsers(container, { access }) {
  if (!access.has("manage-users")) {
    container.replaceChildren(
      page(
        "Users",
        null,
        readOnlyNote("Only administrators create and change user accounts. Agents and managers are under Agents."),
      ),
    );
    return;
  }
  const list = h("div");
  let roles = [];
  const refresh = () =>
    loading(list, async () => {
      const [users, answer] = await Promise.all([all("users.list", "users"), api.get("roles.list")]);
      roles = answer.roles;
      users.sort((a, b) => a.username.localeCompare(b.username));
      list.replaceChildren(
        table(
          "Users",
          ["Name", "Username", "E-mail", "Roles", "Status", "Actions"],
          users.map((user) => [
            user.name ?? "",
            user.username,
            user.emails?.[0]?.address ?? "",
            (user.roles ?? []).join(", "),
            h("span", { class: user.active ? "pill open" : "pill", text: user.active ? "Active" : "Inactive" }),
            h(
              "div",
              { class: "row" },
              h("button", { type: "button", class: "small", text: "Edit", "aria-label": `Edit ${user.username}`, onclick: () => editUser(user, roles, refresh) }),
              h("button", { type: "button", class: "small", text: "Reset password", "aria-label": `Reset password of ${user.username}`, onclick: () => resetPassword(user) }),
              user._id === access.me._id
                ? null
                : h("button", {
                    type: "button",
                    class: user.active ? "small danger" : "small",
                    text: user.active ? "Deactivate" : "Activate",
                    "aria-label": `${user.active ? "Deactivate" : "Activate"} ${user.username}`,
                    onclick: async (event) => {
                      const ok = await busy(
                        event.currentTarget,
                        () => api.post("users.update", { userId: user._id, data: { active: !user.active } }),
                        `${user.username} ${user.active ? "deactivated" : "activated"}`,
                      );
                      if (ok) refresh();
                    },
                  }),
            ),
          ]),
        ),
      );
    });
  const newUser = newUserForm(() => roles, refresh);
  container.replaceChildren(page("Users", "Accounts of this server. Deactivated users cannot log in.", newUser, list));
  refresh();
}

function roleBoxes(roles, chosen) {
  const boxes = roles.map((role) => ({ id: role._id, ...check(role.name, { checked: chosen.includes(role._id) }) }));
  const fieldset = h("fieldset", { class: "checks" }, h("legend", { text: "Roles" }), boxes.map((b) => b.row));
  return { fieldset, value: () => boxes.filter((b) => b.input.checked).map((b) => b.id) };
}

function newUserForm(getRoles, refresh) {
  const name = field("Name", { required: true, autocomplete: "off" });
  const username = field("Username", { required: true, autocomplete: "off" });
  const email = field("E-mail", { type: "email", required: true, autocomplete: "off" });
  const password = field("Password", { type: "password", required: true, autocomplete: "new-password", minlength: 8 });
  const rolesBox = h("div");
  let boxes = null;
  const details = h(
    "details",
    { class: "admin-form" },
    h("summary", { text: "New user" }),
  );
  const submit = h("button", { type: "submit", class: "primary", text: "Create user" });
  const form = h("form", {}, name.row, username.row, email.row, password.row, rolesBox, h("div", { class: "row end" }, submit));
  details.append(form);
  details.addEventListener("toggle", () => {
    if (details.open && !boxes) {
      boxes = roleBoxes(getRoles(), ["user", "livechat-agent"]);
      rolesBox.replaceChildren(boxes.fieldset);
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const roles = boxes ? boxes.value() : ["user"];
    const ok = await busy(
      submit,
      async () => {
        await api.post("users.create", {
          name: name.input.value.trim(),
          username: username.input.value.trim(),
          email: email.input.value.trim(),
          password: password.input.value,
          roles,
        });
        // An agent is also made one for routing (`livechat/users/agent`), as Rocket.Chat's
        // admin does when the role is given.
        if (roles.includes("livechat-agent")) {
          await api.post("livechat/users/agent", { username: username.input.value.trim() });
        }
      },
      `User ${username.input.value.trim()} created`,
    );
    if (ok) {
      form.reset();
      refresh();
    }
  });
  return details;
}

function editUser(user, roles, refresh) {
  const name = field("Name", { value: user.name ?? "" });
  const email = field("E-mail", { type: "email", value: user.emails?.[0]?.address ?? "" });
  const active = check("Active (may log in)", { checked: user.active });
  const boxes = roleBoxes(roles, user.roles ?? []);
  modal(`Edit ${user.username}`, [name.row, email.row, active.row, boxes.fieldset], "Save", async () => {
    const data = { name: name.input.value.trim(), roles: boxes.value(), active: active.input.checked };
    const mail = email.input.value.trim();
    if (mail && mail !== (user.emails?.[0]?.address ?? "")) data.email = mail;
    await api.post("users.update", { userId: user._id, data });
    toast(`${user.username} saved`);
    refresh();
  });
  name.input.focus();
}

function resetPassword(user) {
  const password = field("New password", { type: "password", autocomplete: "new-password", required: true, minlength: 8 });
  modal(`Reset the password of ${user.username}`, [password.row], "Set password", async () => {
    await api.post("users.update", { userId: user._id, data: { password: password.input.value } });
    toast(`Password of ${user.username} changed`);
  });
  password.input.focus();
}
