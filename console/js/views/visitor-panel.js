// The visitor panel beside a conversation: who the visitor is (contact, department, custom
// fields, where it browses from), the chat's topic and tags, the pages it visited (kept live),
// its other chats, and, for those who may read it, the chat's transfer history.

import * as api from "../api.js";
import { h, dateTimeText, timeText, toDate } from "../dom.js";
import { renderVisitorEdit } from "./visitor-edit.js";
import { safeHref, sessionMatches, locationText, deviceText } from "./visitor-facts.js";

const PAGES_SHOWN = 50;
const CHATS_SHOWN = 20;
const REFETCH_DELAY_MS = 800;

export function renderVisitorPanel(container, { room, desk, ddp, onRoomChanged }) {
  let visitor = null;
  let session = null; // the visitor's site session, when one could be found
  let stopped = false;
  let refetchTimer = null;

  const heading = h("h2", { class: "visitor-name", text: visitorName(room, null) });
  const edit = h("button", {
    type: "button",
    class: "quiet small",
    text: "Edit",
    "aria-label": "Edit visitor and chat",
    onclick: () => openEditor(),
  });
  // On narrow screens the panel covers the chat (console.css); this puts the chat back.
  const hide = h("button", {
    type: "button",
    class: "quiet small panel-close",
    text: "Close",
    "aria-label": "Hide visitor info",
    onclick: () => {
      const layout = container.closest(".workspace");
      if (layout) layout.dataset.panel = "closed";
      const toggle = container.closest(".conversation")?.querySelector(".panel-toggle");
      toggle?.setAttribute("aria-expanded", "false");
      toggle?.focus();
    },
  });
  const facts = h("dl", { class: "facts" });
  const problem = h("p", { class: "error", role: "alert", hidden: true });
  const pages = listSection("Pages visited", "No page recorded yet.");
  const chats = listSection("Past chats", "No other chat.");
  const transfers = listSection("Transfer history", "Never forwarded.");
  transfers.element.hidden = true;
  const details = h("div", { class: "visitor-details" }, facts, pages.element, chats.element, transfers.element);
  container.replaceChildren(h("header", { class: "panel-head" }, heading, edit, hide), problem, details);

  const showFacts = () => {
    heading.textContent = visitorName(room, visitor);
    const rows = [];
    const add = (label, value) => {
      if (value === undefined || value === null || value === "") return;
      rows.push(h("dt", { text: label }), h("dd", {}, value));
    };
    add("E-mail", visitor?.visitorEmails?.[0]?.address);
    add("Phone", visitor?.phone?.[0]?.phoneNumber ?? room.v?.phone);
    add("Department", departmentName(desk, room.departmentId ?? visitor?.department));
    add("Location", locationText(session?.location));
    add("Device", deviceText(session?.deviceInfo, visitor?.userAgent));
    add("On the site", session ? (session.status === "away" ? "Away" : "Online") : undefined);
    add("Topic", room.topic);
    if (room.tags?.length) add("Tags", h("span", { class: "tags" }, room.tags.map((t) => h("span", { class: "tag", text: t }))));
    // Custom fields are shown under their keys: staff have no route listing their labels.
    for (const [key, value] of Object.entries(visitor?.livechatData ?? {})) add(key, String(value));
    for (const [key, value] of Object.entries(room.livechatData ?? {})) add(`${key} (chat)`, String(value));
    facts.replaceChildren(...rows);
  };

  const loadVisitor = async () => {
    if (!room.v?._id) return;
    try {
      const answer = await api.get("livechat/visitors.info", { visitorId: room.v._id });
      visitor = answer.visitor;
    } catch (error) {
      showProblem(`Visitor details unavailable: ${error.message}`);
    }
  };

  // Location and device live on the site session, which staff can only list (it carries no
  // visitor id or token for them): the session whose name and e-mail are this visitor's.
  const loadSession = async () => {
    try {
      const answer = await api.get("livechat/visitors.online", { count: 500 });
      session = answer.visitors?.find((s) => sessionMatches(s, visitor, room)) ?? null;
    } catch {
      session = null;
    }
  };

  const loadPages = async () => {
    try {
      const answer = await api.get(`livechat/visitors.pagesVisited/${encodeURIComponent(room._id)}`, {
        count: PAGES_SHOWN,
        sort: JSON.stringify({ ts: -1 }),
      });
      pages.fill((answer.pages ?? []).map(pageItem));
    } catch (error) {
      pages.fail(error.message);
    }
  };

  const loadChats = async () => {
    if (!room.v?._id) return chats.fill([]);
    try {
      const path = `livechat/visitors.searchChats/room/${encodeURIComponent(room._id)}/visitor/${encodeURIComponent(room.v._id)}`;
      const answer = await api.get(path, { count: CHATS_SHOWN });
      const others = (answer.history ?? []).filter((r) => r._id !== room._id);
      chats.fill(others.map(chatItem));
    } catch (error) {
      chats.fail(error.message);
    }
  };

  const loadTransfers = async () => {
    try {
      const answer = await api.get(`livechat/transfer.history/${encodeURIComponent(room._id)}`);
      transfers.fill((answer.history ?? []).map((t) => transferItem(t, desk)));
      transfers.element.hidden = false;
    } catch {
      // Plain agents may not read it (403): the section stays hidden, with no error.
      transfers.element.hidden = true;
    }
  };

  const loadAll = async () => {
    await loadVisitor();
    await loadSession();
    if (stopped) return;
    showFacts();
    await Promise.all([loadPages(), loadChats(), loadTransfers()]);
  };

  // A page view bumps the visitor's session count, which the sessions stream announces; the
  // page list is refetched (once per burst) when that session is this visitor's.
  const refetchSoon = () => {
    clearTimeout(refetchTimer);
    refetchTimer = setTimeout(() => {
      if (!stopped) loadPages();
    }, REFETCH_DELAY_MS);
  };
  const unsubscribe = [
    ddp.subscribe("stream-livechat-visitor-sessions", "sessions", (event) => {
      if (event?.type !== "changed" || !sessionMatches(event.session, visitor, room)) return;
      const countChanged = event.session.count !== session?.count;
      session = event.session;
      showFacts();
      if (countChanged) refetchSoon();
    }),
    // With navigation shown as messages, a page view also arrives as a room message.
    ddp.subscribe("stream-room-messages", room._id, (message) => {
      if (message?.t === "livechat_navigation_history") refetchSoon();
      if (message?.t === "livechat_transfer_history") loadTransfers();
    }),
  ];

  function showProblem(text) {
    problem.textContent = text;
    problem.hidden = false;
  }

  function openEditor() {
    edit.disabled = true;
    renderVisitorEdit(details, {
      room,
      visitor,
      onCancel: () => {
        edit.disabled = false;
        details.replaceChildren(facts, pages.element, chats.element, transfers.element);
        edit.focus();
      },
      onSaved: async () => {
        await onRoomChanged?.();
        const fresh = await api.get("rooms.info", { roomId: room._id }).catch(() => null);
        if (fresh?.room) room = fresh.room;
        edit.disabled = false;
        details.replaceChildren(facts, pages.element, chats.element, transfers.element);
        await loadVisitor();
        showFacts();
        edit.focus();
      },
    });
  }

  showFacts();
  loadAll();
  return () => {
    stopped = true;
    clearTimeout(refetchTimer);
    for (const stop of unsubscribe) stop();
  };
}

function visitorName(room, visitor) {
  return visitor?.name || room.fname || room.v?.name || room.v?.username || "Visitor";
}

function departmentName(desk, id) {
  if (!id) return undefined;
  return desk.departments.find((d) => d._id === id)?.name ?? id;
}

/** A titled section holding a list, with an empty text and an error line. */
function listSection(title, emptyText) {
  const id = `panel-${title.toLowerCase().replace(/\W+/g, "-")}`;
  const list = h("ol", { class: "panel-list", "aria-labelledby": id });
  const note = h("p", { class: "muted small", text: "Loading…" });
  const element = h("section", { class: "panel-section" }, h("h3", { id, text: title }), list, note);
  return {
    element,
    fill(items) {
      list.replaceChildren(...items);
      note.className = "muted small";
      note.textContent = emptyText;
      note.hidden = items.length > 0;
    },
    fail(text) {
      list.replaceChildren();
      note.className = "error small";
      note.textContent = text;
      note.hidden = false;
    },
  };
}

function pageItem(page) {
  const nav = page.navigation?.page ?? {};
  const href = nav.location?.href ?? "";
  const title = nav.title || href || page.msg || "Page";
  const link = safeHref(href);
  return h(
    "li",
    { class: "page-visit" },
    link
      ? h("a", { href: link, target: "_blank", rel: "noopener noreferrer", text: title, title: href })
      : h("span", { text: title }),
    link || !href ? null : h("span", { class: "muted url", text: href }),
    h("time", { class: "muted small", datetime: toDate(page.ts)?.toISOString(), text: timeText(toDate(page.ts)) }),
  );
}

function chatItem(chat) {
  const closed = chat.open === false || Boolean(chat.closedAt);
  const when = toDate(chat.ts);
  return h(
    "li",
    {},
    h(
      "a",
      { href: `#/chat/${encodeURIComponent(chat._id)}`, class: "past-chat" },
      h(
        "span",
        { class: "row-top" },
        h("time", { datetime: when?.toISOString(), text: dateTimeText(when) }),
        h("span", { class: closed ? "pill" : "pill open", text: closed ? "Closed" : "Open" }),
      ),
      h("span", { class: "preview", text: chat.lastMessage?.msg ?? "No message" }),
    ),
  );
}

function transferItem(transfer, desk) {
  const by = transfer.transferredBy?.name || transfer.transferredBy?.username || "Someone";
  let to;
  if (transfer.scope === "queue") to = "the queue";
  else if (transfer.transferredTo) to = transfer.transferredTo.name || transfer.transferredTo.username;
  else if (transfer.nextDepartment) to = transfer.nextDepartment.name ?? departmentName(desk, transfer.nextDepartment._id);
  else to = departmentName(desk, transfer.departmentId) ?? "another agent";
  const when = toDate(transfer.ts);
  return h(
    "li",
    { class: "transfer" },
    h("span", { text: `${by} → ${to}` }),
    h("time", { class: "muted small", datetime: when?.toISOString(), text: dateTimeText(when) }),
    transfer.comment ? h("q", { class: "small", text: transfer.comment }) : null,
  );
}
