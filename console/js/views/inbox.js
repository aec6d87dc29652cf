// The inbox: chats waiting in the queue (with "Take"), the agent's own chats, and for
// managers everyone else's open chats. Rows are kept per chat and only rewritten when what
// they show changed, so a thousand open chats stay cheap to update.

import * as api from "../api.js";
import { h, sinceText, toDate } from "../dom.js";
import { toast } from "./toast.js";

export function renderInbox(container, { desk, openChat }) {
  const sections = {
    waiting: section("Waiting", "inbox-waiting", "No chat is waiting."),
    mine: section("My chats", "inbox-mine", "You have no open chat."),
    others: desk.isManager ? section("Other open chats", "inbox-others", "No other open chat.") : null,
  };
  container.replaceChildren(
    ...Object.values(sections)
      .filter(Boolean)
      .map((s) => s.element),
  );
  const rows = new Map(); // key -> {element, signature}

  const render = () => {
    const now = Date.now();
    const fill = (target, items, kind) => {
      if (!target) return;
      const wanted = items.map((item) => rowFor(item, kind, now));
      reconcile(target.list, wanted);
      target.empty.hidden = wanted.length > 0;
      target.count.textContent = String(wanted.length);
    };
    fill(sections.waiting, desk.waiting(), "waiting");
    fill(sections.mine, desk.mine(), "mine");
    fill(sections.others, desk.others(), "others");
    // Forget the rows of chats that left the inbox (closed, taken by someone else).
    for (const [key, row] of rows) if (!row.element.isConnected) rows.delete(key);
  };

  const rowFor = (item, kind, now) => {
    const rid = kind === "waiting" ? item.rid : item._id;
    const model = describe(item, kind, desk, now);
    const key = `${kind}:${rid}`;
    const signature = JSON.stringify(model);
    const known = rows.get(key);
    if (known && known.signature === signature) return known.element;
    const element = buildRow(model, rid, kind, desk, openChat);
    rows.set(key, { element, signature });
    return element;
  };

  desk.addEventListener("change", render);
  const tick = setInterval(render, 15_000);
  render();
  return () => {
    desk.removeEventListener("change", render);
    clearInterval(tick);
  };
}

/**
 * Makes `list`'s children exactly `wanted`, in order, touching only what changed: a message
 * moves one row to the top and rebuilds it, which is two DOM operations here instead of
 * re-inserting a thousand rows (and the layout that would cost).
 */
function reconcile(list, wanted) {
  const keep = new Set(wanted);
  for (const child of [...list.children]) if (!keep.has(child)) child.remove();
  let cursor = list.firstElementChild;
  for (const element of wanted) {
    if (element === cursor) cursor = cursor.nextElementSibling;
    else list.insertBefore(element, cursor);
  }
}

function section(title, id, emptyText) {
  const count = h("span", { class: "count", "aria-hidden": "true" });
  const list = h("ul", { class: "chat-list", "aria-labelledby": id });
  const empty = h("p", { class: "muted empty", text: emptyText });
  const element = h("section", { class: "inbox-section" }, h("h2", { id }, title, " ", count), list, empty);
  return { element, list, empty, count };
}

/** What a row shows, as plain data (compared to decide whether to rebuild it). */
function describe(item, kind, desk, now) {
  const rid = kind === "waiting" ? item.rid : item._id;
  const room = kind === "waiting" ? desk.rooms.get(rid) : item;
  const last = item.lastMessage ?? room?.lastMessage;
  const visitorName = item.fname ?? item.name ?? item.v?.name ?? item.v?.username ?? "Visitor";
  const lastFromVisitor = last && item.v?._id && last.u?._id === item.v._id;
  let waited = "";
  if (kind === "waiting") waited = `waiting ${sinceText(toDate(item.queuedAt ?? item.ts), now)}`;
  else if (lastFromVisitor) waited = `waiting ${sinceText(toDate(last.ts), now)}`;
  else if (last) waited = sinceText(toDate(last.ts), now);
  return {
    name: visitorName,
    preview: last?.msg ?? (kind === "waiting" ? "New chat" : ""),
    waited,
    unread: desk.unread.get(rid) ?? 0,
    agent: kind === "others" ? (item.servedBy?.username ?? "") : "",
    department: departmentName(desk, item.department?._id ?? item.department ?? item.departmentId),
    selected: desk.selected === rid,
    urgent: kind === "waiting" || Boolean(lastFromVisitor),
  };
}

function departmentName(desk, id) {
  if (!id || typeof id !== "string") return "";
  return desk.departments.find((d) => d._id === id)?.name ?? "";
}

function buildRow(model, rid, kind, desk, openChat) {
  const badge =
    model.unread > 0
      ? h("span", { class: "badge", "aria-label": `${model.unread} unread`, text: model.unread })
      : null;
  const link = h(
    "a",
    {
      class: "chat-row",
      href: `#/chat/${encodeURIComponent(rid)}`,
      "aria-current": model.selected ? "true" : false,
      dataset: { rid, urgent: model.urgent ? "1" : "0" },
    },
    h("span", { class: "row-top" }, h("span", { class: "name", text: model.name }), badge),
    h("span", { class: "preview", text: model.preview }),
    h(
      "span",
      { class: "meta" },
      h("span", { text: model.waited }),
      model.department ? h("span", { text: model.department }) : null,
      model.agent ? h("span", { text: `with ${model.agent}` }) : null,
    ),
  );
  const take =
    kind === "waiting"
      ? h("button", {
          type: "button",
          class: "take",
          "aria-label": `Take the chat with ${model.name}`,
          text: "Take",
          onclick: (event) => takeChat(event.currentTarget, rid, desk, openChat),
        })
      : null;
  return h("li", { class: model.selected ? "selected" : "" }, link, take);
}

/** `inquiries.take`: exactly one agent gets a chat, whoever asks first. */
export async function takeChat(button, rid, desk, openChat) {
  const inquiry = desk.queue.get(rid);
  button.disabled = true;
  try {
    await api.post("livechat/inquiries.take", { inquiryId: inquiry?._id ?? rid });
    desk.queue.delete(rid);
    await desk.refreshRoom(rid);
    openChat(rid);
  } catch (error) {
    toast(`Could not take the chat: ${error.message}`, { error: true });
    button.disabled = false;
  }
}
