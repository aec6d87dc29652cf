// Current chats: every chat (`livechat/rooms`), filtered by agent, department, open or closed
// dates and tag, a page at a time; a row opens the conversation (closed ones read-only).

import * as api from "../../api.js";
import { dateTimeText, h } from "../../dom.js";
import { field } from "../forms.js";
import { all, loading, page, readOnlyNote, table } from "./common.js";

const PAGE = 25;

export function renderCurrentChats(container, { access }) {
  if (!access.has("view-livechat-rooms")) {
    container.replaceChildren(page("Current chats", null, readOnlyNote("You may not list every chat (permission view-livechat-rooms).")));
    return;
  }
  const agent = field("Agent", { tag: "select", options: [{ value: "", label: "Any agent" }] });
  const department = field("Department", { tag: "select", options: [{ value: "", label: "Any department" }] });
  const state = field("State", {
    tag: "select",
    options: [
      { value: "", label: "Open and closed" },
      { value: "true", label: "Open" },
      { value: "false", label: "Closed" },
    ],
  });
  const tag = field("Tag", { tag: "select", options: [{ value: "", label: "Any tag" }] });
  const from = field("Started from", { type: "date" });
  const to = field("Started until", { type: "date" });
  const name = field("Visitor name", { type: "search", autocomplete: "off" });
  const filters = h(
    "form",
    { class: "filters", "aria-label": "Filters" },
    name.row,
    agent.row,
    department.row,
    state.row,
    tag.row,
    from.row,
    to.row,
    h("div", { class: "field" }, h("span", { "aria-hidden": "true", text: " " }), h("button", { type: "submit", class: "primary", text: "Filter" })),
  );
  const results = h("div");
  const summary = h("p", { class: "muted", role: "status" });
  const prev = h("button", { type: "button", text: "Previous page" });
  const next = h("button", { type: "button", text: "Next page" });
  const pager = h("div", { class: "pager" }, prev, summary, next);
  container.replaceChildren(page("Current chats", "Every chat; open one to read it.", filters, results, pager));

  let offset = 0;
  const load = () =>
    loading(results, async () => {
      const query = { offset, count: PAGE, sort: JSON.stringify({ ts: -1 }) };
      if (agent.input.value) query.agents = [agent.input.value];
      if (department.input.value) query.departmentId = [department.input.value];
      if (state.input.value) query.open = state.input.value;
      if (tag.input.value) query.tags = [tag.input.value];
      if (name.input.value.trim()) query.roomName = name.input.value.trim();
      if (from.input.value || to.input.value) {
        query.createdAt = JSON.stringify({
          ...(from.input.value ? { start: new Date(`${from.input.value}T00:00:00`).toISOString() } : {}),
          ...(to.input.value ? { end: new Date(`${to.input.value}T23:59:59.999`).toISOString() } : {}),
        });
      }
      const answer = await api.get("livechat/rooms", query);
      const total = answer.total ?? answer.rooms.length;
      summary.textContent = total === 0 ? "No chats" : `${offset + 1}–${offset + answer.rooms.length} of ${total}`;
      prev.disabled = offset === 0;
      next.disabled = offset + answer.rooms.length >= total;
      results.replaceChildren(
        answer.rooms.length === 0
          ? h("p", { class: "muted", text: "No chat matches." })
          : table(
              "Chats",
              ["Visitor", "Agent", "Department", "State", "Started", "Closed", "Tags"],
              answer.rooms.map((room) => [
                h("a", { href: `#/chat/${encodeURIComponent(room._id)}`, class: "name", text: room.fname || room.v?.username || room._id }),
                room.servedBy?.username ?? "",
                room.department?.name ?? "",
                h("span", { class: room.open ? "pill open" : "pill", text: room.open ? (room.servedBy ? "Open" : "Queued") : "Closed" }),
                dateTimeText(room.ts),
                dateTimeText(room.closedAt),
                (room.tags ?? []).join(", "),
              ]),
            ),
      );
    });
  filters.addEventListener("submit", (event) => {
    event.preventDefault();
    offset = 0;
    load();
  });
  prev.addEventListener("click", () => {
    offset = Math.max(0, offset - PAGE);
    load();
  });
  next.addEventListener("click", () => {
    offset += PAGE;
    load();
  });
  Promise.all([
    all("livechat/users/agent", "users").catch(() => []),
    all("livechat/department", "departments").catch(() => []),
    all("livechat/tags", "tags", { viewAll: "true" }).catch(() => []),
  ]).then(
    ([agents, departments, tags]) => {
      for (const a of agents) agent.input.append(h("option", { value: a._id, text: a.username }));
      for (const d of departments) department.input.append(h("option", { value: d._id, text: d.name }));
      for (const t of tags) tag.input.append(h("option", { value: t.name, text: t.name }));
    },
  );
  load();
}
