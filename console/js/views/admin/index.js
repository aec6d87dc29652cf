// The administration section (`#/admin/<screen>`), for managers and administrators: a
// sub-navigation and the chosen screen. What each screen lets the viewer change follows the
// stored permission table (`permissions.listAll`) and the viewer's roles (`GET me`); the
// server checks again on every call.

import { h, replaceChildren } from "../../dom.js";
import { loadAccess } from "./common.js";
import { renderUsers } from "./users.js";
import { renderAgents } from "./agents.js";
import { renderDepartments } from "./departments.js";
import { renderRouting } from "./routing.js";
import { renderAppearance } from "./appearance.js";
import { renderCustomFields } from "./custom-fields.js";
import { renderTriggers } from "./triggers.js";
import { renderCannedResponses } from "./canned-responses.js";
import { renderBusinessHours } from "./business-hours.js";
import { renderTags } from "./tags.js";
import { renderCurrentChats } from "./current-chats.js";
import { renderOfflineMessages } from "./offline-messages.js";
import { renderPermissions } from "./permissions.js";
import { renderEmail } from "./email.js";
import { renderOutbox } from "./outbox.js";
import { renderWebhooks } from "./webhooks.js";

const SCREENS = [
  ["users", "Users", renderUsers],
  ["agents", "Agents", renderAgents],
  ["departments", "Departments", renderDepartments],
  ["routing", "Routing", renderRouting],
  ["appearance", "Appearance", renderAppearance],
  ["custom-fields", "Custom fields", renderCustomFields],
  ["triggers", "Triggers", renderTriggers],
  ["canned-responses", "Canned responses", renderCannedResponses],
  ["tags", "Tags", renderTags],
  ["business-hours", "Business hours", renderBusinessHours],
  ["chats", "Current chats", renderCurrentChats],
  ["offline-messages", "Offline messages", renderOfflineMessages],
  ["webhooks", "Webhooks", renderWebhooks],
  ["permissions", "Permissions", renderPermissions],
  ["email", "E-mail", renderEmail],
  ["outbox", "Outbox", renderOutbox],
];

/** Whether the top bar offers "Administration" (the screens re-check with the stored table). */
export function mayAdminister(me) {
  return (me.roles ?? []).some((role) => role === "admin" || role === "livechat-manager");
}

/** Renders `#/admin[/<screen>]` into `view`; returns the function that tears it down. */
export function renderAdmin(view, { hash, openChat }) {
  const name = hash.split("/")[2] || "users";
  const screen = SCREENS.find(([id]) => id === name) ?? SCREENS[0];
  const links = SCREENS.map(([id, text]) =>
    h("a", { href: `#/admin/${id}`, text, "aria-current": id === screen[0] ? "page" : null }),
  );
  const content = h("main", { class: "admin-content" });
  replaceChildren(
    view,
    h(
      "div",
      { class: "admin page" },
      h("nav", { class: "admin-nav", "aria-label": "Administration" }, links),
      content,
    ),
  );
  // On a phone the sub-navigation scrolls sideways: keep the current screen's link in view.
  links.find((link) => link.hasAttribute("aria-current"))?.scrollIntoView({ block: "nearest", inline: "nearest" });
  let stopped = false;
  let teardown = null;
  content.append(h("p", { class: "loading", role: "status", text: "Loading…" }));
  loadAccess()
    .then((access) => {
      if (stopped) return;
      content.replaceChildren();
      if (!access.has("view-livechat-manager")) {
        content.append(
          h("p", { class: "error", role: "alert", text: "Only managers and administrators can open the administration." }),
        );
        return;
      }
      teardown = screen[2](content, { access, openChat }) ?? null;
    })
    .catch((error) => {
      if (!stopped) content.replaceChildren(h("p", { class: "error", role: "alert", text: `Could not load: ${error.message}` }));
    });
  return () => {
    stopped = true;
    if (typeof teardown === "function") teardown();
  };
}
