// Offline messages (`livechat/offline.messages`): what visitors left through the widget's
// offline form while nobody could chat, newest first, each marked handled (who and when) once
// someone has answered it. Rocket.Chat only e-mails these; keeping them here is this server's.

import * as api from "../../api.js";
import { dateTimeText, h } from "../../dom.js";
import { field } from "../forms.js";
import { all, busy, loading, page, readOnlyNote, table } from "./common.js";

const PAGE = 25;

export function renderOfflineMessages(container, { access }) {
  if (!access.has("view-livechat-manager")) {
    container.replaceChildren(page("Offline messages", null, readOnlyNote("Only managers (permission view-livechat-manager) read the offline messages.")));
    return;
  }
  const shown = field("Show", {
    tag: "select",
    options: [
      { value: "false", label: "Waiting" },
      { value: "true", label: "Handled" },
      { value: "", label: "All" },
    ],
  });
  const results = h("div");
  const summary = h("p", { class: "muted", role: "status" });
  const prev = h("button", { type: "button", text: "Previous page" });
  const next = h("button", { type: "button", text: "Next page" });
  const pager = h("div", { class: "pager" }, prev, summary, next);
  container.replaceChildren(
    page(
      "Offline messages",
      "Messages visitors left while nobody could chat, newest first. Mark one handled once it has been answered.",
      h("form", { class: "filters", "aria-label": "Filters" }, shown.row),
      results,
      pager,
    ),
  );

  let departments = [];
  const departmentName = (id) => (id ? departments.find((d) => d._id === id)?.name ?? id : "");
  let offset = 0;
  const load = () =>
    loading(results, async () => {
      const answer = await api.get("livechat/offline.messages", { handled: shown.input.value, offset, count: PAGE });
      summary.textContent = answer.total === 0 ? "No messages" : `${offset + 1}–${offset + answer.messages.length} of ${answer.total}`;
      prev.disabled = offset === 0;
      next.disabled = offset + answer.messages.length >= answer.total;
      results.replaceChildren(
        answer.messages.length === 0
          ? h("p", { class: "muted", text: "No offline message here." })
          : table(
              "Offline messages",
              ["Received", "From", "Department", "Message", "Handled"],
              answer.messages.map((m) => [
                dateTimeText(m.ts),
                h("div", {}, h("span", { class: "name", text: m.name }), h("br"), h("a", { href: `mailto:${m.email}`, text: m.email })),
                departmentName(m.department),
                h("p", { class: "offline-text", text: m.message }),
                handling(m),
              ]),
              { className: "offline-messages" },
            ),
      );
    });
  /** Who handled it and when, with the button that changes it. */
  const handling = (m) => {
    const button = h("button", {
      type: "button",
      class: m.handled ? "small" : "small primary",
      text: m.handled ? "Mark unhandled" : "Mark handled",
      "aria-label": `${m.handled ? "Mark unhandled" : "Mark handled"}: message from ${m.name}`,
      onclick: async () => {
        const ok = await busy(
          button,
          () => api.post(`livechat/offline.messages/${encodeURIComponent(m._id)}/handled`, { handled: !m.handled }),
          m.handled ? "Marked unhandled" : "Marked handled",
        );
        if (ok) load();
      },
    });
    return h(
      "div",
      { class: "stack" },
      m.handled ? h("span", { text: `By ${m.handledBy?.username ?? "?"}, ${dateTimeText(m.handledAt)}` }) : h("span", { class: "pill open", text: "Waiting" }),
      button,
    );
  };
  shown.input.addEventListener("change", () => {
    offset = 0;
    load();
  });
  shown.row.closest("form").addEventListener("submit", (event) => event.preventDefault());
  prev.addEventListener("click", () => {
    offset = Math.max(0, offset - PAGE);
    load();
  });
  next.addEventListener("click", () => {
    offset += PAGE;
    load();
  });
  all("livechat/department", "departments")
    .catch(() => [])
    .then((found) => {
      departments = found;
      load();
    });
}
