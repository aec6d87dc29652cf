// Live visitors: who is on the site now (the sessions the widget reports), loaded once over
// REST and then kept current from the sessions stream. Each row belongs to one session and is
// updated cell by cell, so a busy site does not rebuild the table on every page view.

import * as api from "../api.js";
import { h, sinceText, dateTimeText, toDate } from "../dom.js";
import { safeHref, locationText, deviceText } from "./visitor-facts.js";

const PAGE = 100;
const MAX_VISITORS = 1000;
const COLUMNS = ["Visitor", "Current page", "Pages", "Location", "Device", "Chat status", "Online", "Since"];

export function renderLiveVisitors(view, { desk, ddp }) {
  const count = h("p", { class: "muted visitor-count", text: "Loading…" });
  const problem = h("p", { class: "error", role: "alert", hidden: true });
  const body = h("tbody");
  const empty = h("p", { class: "muted empty-state", text: "Nobody is on the site right now.", hidden: true });
  const table = h(
    "table",
    { class: "live-visitors" },
    h("caption", { class: "visually-hidden", text: "Visitors on the site now" }),
    h("thead", {}, h("tr", {}, COLUMNS.map((c) => h("th", { scope: "col", text: c })))),
    body,
  );
  view.replaceChildren(
    h(
      "main",
      // The page scrolls by itself (not the window), so keyboard users need to reach it.
      { class: "page", tabindex: "0", "aria-labelledby": "live-visitors-title" },
      h("div", { class: "page-head" }, h("h1", { id: "live-visitors-title", text: "Live visitors" }), count),
      problem,
      h("div", { class: "table-wrap" }, table),
      empty,
    ),
  );

  const rows = new Map(); // session id -> {session, row, cells}
  let loaded = false;
  let stopped = false;

  const showCount = () => {
    const n = rows.size;
    count.textContent = `${n} ${n === 1 ? "visitor" : "visitors"} on the site`;
    empty.hidden = n > 0 || !loaded;
    table.hidden = n === 0 && loaded;
  };

  const upsert = (session, { atEnd = false } = {}) => {
    if (!session?._id) return;
    if (session.status === "offline") return remove(session._id);
    const known = rows.get(session._id);
    // A REST page loaded while events arrived must not undo a newer event.
    if (known && toDate(known.session._updatedAt) > toDate(session._updatedAt)) return;
    if (known) {
      known.session = { ...known.session, ...session };
      fillRow(known, desk);
      return;
    }
    const entry = newRow(session);
    fillRow(entry, desk);
    rows.set(session._id, entry);
    if (atEnd) body.append(entry.row);
    else body.prepend(entry.row);
    showCount();
  };

  const remove = (id) => {
    const known = rows.get(id);
    if (!known) return;
    known.row.remove();
    rows.delete(id);
    showCount();
  };

  const unsubscribe = ddp.subscribe(
    "stream-livechat-visitor-sessions",
    "sessions",
    (event) => {
      if (event?.type === "removed") remove(event.session?._id);
      else if (event?.type === "changed") upsert(event.session);
    },
    {
      onRefused: (error) => {
        problem.textContent = `Live updates are not available: ${error.reason ?? error.error ?? "refused"}`;
        problem.hidden = false;
      },
    },
  );

  const load = async () => {
    try {
      for (let offset = 0; offset < MAX_VISITORS; offset += PAGE) {
        const page = await api.get("livechat/visitors.online", { count: PAGE, offset });
        if (stopped) return;
        for (const session of page.visitors ?? []) upsert(session, { atEnd: true });
        if (offset + PAGE >= page.total || !page.visitors?.length) break;
      }
    } catch (error) {
      problem.textContent = `The visitors could not be loaded: ${error.message}`;
      problem.hidden = false;
    }
    loaded = true;
    showCount();
  };

  // Chat status names the agent from the desk's open chats, and "Since" ages: both are
  // refreshed in place.
  const refreshAll = () => {
    for (const entry of rows.values()) fillRow(entry, desk);
  };
  desk.addEventListener("change", refreshAll);
  const tick = setInterval(refreshAll, 30_000);

  load();
  return () => {
    stopped = true;
    unsubscribe();
    desk.removeEventListener("change", refreshAll);
    clearInterval(tick);
  };
}

function newRow(session) {
  const cells = Object.fromEntries(COLUMNS.map((c) => [c, h("td", { dataset: { label: c } })]));
  const row = h("tr", { dataset: { session: session._id } }, Object.values(cells));
  return { session, row, cells, shown: {} };
}

/** Writes each cell whose content changed since it was last written. */
function fillRow(entry, desk) {
  const s = entry.session;
  loadCurrentPage(entry, desk);
  const page = currentPage(entry);
  const values = {
    Visitor: [s.visitorInfo?.name || "Anonymous visitor", s.visitorInfo?.email ?? ""],
    "Current page": [page.title, page.href],
    Pages: [String(s.count ?? 0)],
    Location: [locationText(s.location) || "Unknown"],
    Device: [deviceText(s.deviceInfo) || "Unknown"],
    "Chat status": [chatStatus(s, desk)],
    Online: [s.status === "away" ? "Away" : "Online", s.status === "away" ? "away" : "online"],
    Since: [sinceText(toDate(s.createdAt)), dateTimeText(toDate(s.createdAt))],
  };
  for (const [column, value] of Object.entries(values)) {
    const key = JSON.stringify(value);
    if (entry.shown[column] === key) continue;
    entry.shown[column] = key;
    entry.cells[column].replaceChildren(...cellContent(column, value));
  }
}

function cellContent(column, [text, extra]) {
  switch (column) {
    case "Visitor":
      return [h("span", { class: "name", text }), extra ? h("span", { class: "muted small block", text: extra }) : null].filter(Boolean);
    case "Current page": {
      if (!text && !extra) return [h("span", { class: "muted", text: "Unknown" })];
      const link = safeHref(extra);
      if (!link) return [h("span", { class: "page-title", text: text || extra })];
      return [h("a", { href: link, target: "_blank", rel: "noopener noreferrer", title: extra, text: text || extra })];
    }
    case "Online":
      return [h("span", { class: `presence ${extra}`, text })];
    case "Since":
      return [h("time", { title: extra, text })];
    default:
      return [text];
  }
}

/**
 * The page the visitor is on. Sessions do not say; for a visitor in a chat on the desk, the
 * newest page of that chat's navigation history is fetched, again whenever its page count moves.
 */
function currentPage(entry) {
  const page = entry.page?.navigation?.page;
  return { title: page?.title ?? "", href: page?.location?.href ?? "" };
}

function loadCurrentPage(entry, desk) {
  const rid = chatOf(entry.session, desk)?.rid;
  const wanted = `${rid}:${entry.session.count}`;
  if (!rid || entry.pageFor === wanted) return;
  entry.pageFor = wanted;
  api
    .get(`livechat/visitors.pagesVisited/${encodeURIComponent(rid)}`, { count: 1, sort: JSON.stringify({ ts: -1 }) })
    .then((answer) => {
      if (entry.pageFor !== wanted) return;
      entry.page = answer.pages?.[0] ?? null;
      fillRow(entry, desk);
    })
    .catch(() => {});
}

/**
 * The desk's chat with this session's visitor. Sessions reach staff without a visitor id or a
 * room, so the chat is found by the visitor's name, and only when exactly one chat has it.
 */
function chatOf(session, desk) {
  const name = session.visitorInfo?.name;
  if (session.chatStatus !== "Open" || !name) return null;
  const open = [...desk.rooms.values()].filter((r) => r.fname === name);
  const waiting = [...desk.queue.values()].filter((i) => (i.fname ?? i.name ?? i.v?.name) === name);
  if (open.length + waiting.length !== 1) return null;
  return open.length ? { rid: open[0]._id, agent: open[0].servedBy } : { rid: waiting[0].rid, waiting: true };
}

/** "Chatting with X", "Waiting", "In a chat" (agent unknown), "Not chatting", "Chat ended". */
function chatStatus(session, desk) {
  if (session.chatStatus === "Closed") return "Chat ended";
  if (session.chatStatus !== "Open") return "Not chatting";
  const chat = chatOf(session, desk);
  if (!chat) return "In a chat";
  if (chat.waiting) return "Waiting";
  return chat.agent?._id === desk.me._id ? "Chatting with you" : `Chatting with ${chat.agent?.username ?? "an agent"}`;
}
