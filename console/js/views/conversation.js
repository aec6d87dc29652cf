// An open chat: who it is with and its state, the actions on it, the messages, the visitor's
// typing, and the composer (Enter sends, Shift+Enter a new line; the agent's typing is sent).

import * as api from "../api.js";
import { h } from "../dom.js";
import { newMessageId } from "../ids.js";
import { MessageList } from "./messages.js";
import { attachCannedResponses } from "./canned.js";
import { closeDialog, forwardDialog, returnToQueue, transcriptDialog } from "./chat-actions.js";
import { takeChat } from "./inbox.js";
import { renderVisitorPanel } from "./visitor-panel.js";
import { toast } from "./toast.js";

const TYPING_SEND_EVERY_MS = 2500;
const TYPING_IDLE_MS = 3000;
const TYPING_SHOWN_MS = 6000;

export function renderConversation(container, { desk, ddp, rid, openChat, layout }) {
  const me = desk.me;
  const title = h("h2", { id: "chat-title", text: "Loading…" });
  const state = h("p", { class: "muted chat-state" });
  const toolbar = h("div", { class: "toolbar", role: "toolbar", "aria-label": "Chat actions" });
  const back = h("button", { type: "button", class: "back", text: "Back to inbox", onclick: () => openChat(null) });
  const typing = h("p", { class: "typing", role: "status", "aria-live": "polite" });
  const composer = h("textarea", {
    id: "composer",
    rows: 2,
    "aria-label": "Message",
    placeholder: "Write a reply… (Enter sends, Shift+Enter for a new line)",
  });
  attachCannedResponses(composer, { desk });
  const send = h("button", { type: "submit", class: "primary", text: "Send" });
  // Opened by the paperclip only: hidden from the page and from assistive technology.
  const fileInput = h("input", { type: "file", hidden: true });
  const attach = h(
    "button",
    { type: "button", class: "attach", "aria-label": "Attach a file", title: "Attach a file", onclick: () => fileInput.click() },
    paperclipIcon(),
  );
  const form = h("form", { class: "composer" }, attach, fileInput, composer, send);
  const panel = h("aside", { class: "visitor-panel", "aria-label": "Visitor" });
  const main = h("div", { class: "chat-main" });
  container.replaceChildren(
    h("header", { class: "chat-header" }, back, h("div", { class: "chat-heading" }, title, state), toolbar),
    h("div", { class: "chat-body" }, main, panel),
  );
  container.setAttribute("aria-labelledby", "chat-title");

  let room = null;
  let list = null;
  let stopPanel = () => {};
  const unsubscribe = [];
  let closed = false;

  const canWrite = () =>
    room?.open && room.servedBy && (room.servedBy._id === me._id || desk.isManager);

  const renderState = () => {
    if (!room) return;
    title.textContent = room.fname || room.v?.name || room.v?.username || "Visitor";
    const queued = room.open && !room.servedBy;
    state.textContent = !room.open
      ? "Closed"
      : queued
        ? "Waiting in the queue"
        : room.servedBy._id === me._id
          ? "With you"
          : `With ${room.servedBy.username}`;
    const mayAct = room.open && room.servedBy && (room.servedBy._id === me._id || desk.isManager);
    const buttons = [];
    if (queued) {
      buttons.push(
        h("button", {
          type: "button",
          class: "primary",
          text: "Take",
          "aria-label": "Take this chat",
          onclick: (e) => takeChat(e.currentTarget, rid, desk, openChat),
        }),
      );
    }
    if (mayAct) {
      const mine = room.servedBy._id === me._id;
      const mayClose = desk.can(mine ? "close-livechat-room" : "close-others-livechat-room");
      buttons.push(
        desk.can("transfer-livechat-guest")
          ? h("button", { type: "button", text: "Forward", onclick: () => forwardDialog({ room, desk }) })
          : null,
        h("button", {
          type: "button",
          text: "Return to queue",
          onclick: () => returnToQueue({ room, desk }),
        }),
        desk.can("send-omnichannel-chat-transcript")
          ? h("button", { type: "button", text: "Send transcript", onclick: () => transcriptDialog({ room, desk }) })
          : null,
        mayClose
          ? h("button", {
              type: "button",
              class: "danger",
              text: "Close chat",
              dataset: { action: "close" },
              onclick: () => closeDialog({ room, desk }),
            })
          : null,
      );
    }
    buttons.push(
      h("button", {
        type: "button",
        class: "panel-toggle",
        text: "Visitor info",
        "aria-expanded": layout.dataset.panel === "open" ? "true" : "false",
        onclick: (e) => {
          const open = layout.dataset.panel !== "open";
          layout.dataset.panel = open ? "open" : "closed";
          e.currentTarget.setAttribute("aria-expanded", String(open));
        },
      }),
    );
    toolbar.replaceChildren(...buttons.filter(Boolean));
    const writable = canWrite();
    composer.disabled = !writable;
    send.disabled = !writable;
    attach.disabled = !writable;
    composer.placeholder = writable
      ? "Write a reply… (Enter sends, Shift+Enter for a new line)"
      : queued
        ? "Take the chat to answer it."
        : room.open
          ? "Another agent is answering this chat."
          : "This chat is closed.";
  };

  const onRoomMessage = (message) => {
    list?.receive(message);
    if (message.u?._id === room?.v?._id) showTyping(null);
    if (message.t === "livechat-close" && room) {
      room = { ...room, open: false };
      renderState();
    } else if (message.t === "livechat_transfer_history") {
      refreshRoom();
    }
  };

  let typingTimer = null;
  const showTyping = (name) => {
    clearTimeout(typingTimer);
    typing.textContent = name ? `${name} is typing…` : "";
    if (name) typingTimer = setTimeout(() => (typing.textContent = ""), TYPING_SHOWN_MS);
  };

  const refreshRoom = async () => {
    try {
      const answer = await api.get("rooms.info", { roomId: rid });
      room = answer.room;
      if (list) list.room = room;
      renderState();
    } catch (error) {
      // Forwarded away from a plain agent: it may no longer read the room. A failed request
      // (status 0: the network) or a busy server says nothing about that; the reconnect
      // refreshes again.
      if (!desk.isManager && error.status >= 400 && error.status < 500) openChat(null);
    }
  };

  const load = async () => {
    try {
      const answer = await api.get("rooms.info", { roomId: rid });
      room = answer.room;
    } catch (error) {
      title.textContent = "This chat cannot be opened";
      state.textContent = error.message;
      return;
    }
    if (closed) return;
    renderState();
    list = new MessageList({ rid, me, room });
    main.replaceChildren(list.element, typing, form);
    unsubscribe.push(
      ddp.subscribe("stream-room-messages", rid, onRoomMessage),
      ddp.subscribe("stream-notify-room", `${rid}/typing`, (username, isTyping) => {
        if (username === me.username) return;
        const name = username === room.v?.username ? title.textContent : username;
        showTyping(isTyping ? name : null);
      }),
      ddp.subscribe("stream-notify-room", `${rid}/deleteMessage`, (payload) => list.remove(payload?._id)),
    );
    await list.loadLatest();
    stopPanel = renderVisitorPanel(panel, { room, desk, ddp, onRoomChanged: refreshRoom });
    if (canWrite() && matchMedia("(min-width: 700px)").matches) composer.focus();
  };

  // The room's own state changes (assigned, forwarded, closed) come through the desk.
  let inDesk = desk.rooms.has(rid);
  const onDeskChange = () => {
    // A close is final; the desk may still hold the room as open for a moment (its
    // rooms-changed event can come after the close message), and must not reopen it here.
    if (room && !room.open) return;
    const fresh = desk.rooms.get(rid);
    const wasInDesk = inDesk;
    inDesk = Boolean(fresh);
    // The desk dropped the chat (returned to the queue, closed, forwarded away): its copy
    // may have overwritten a newer state just before, so ask the server what it is now.
    if (!fresh && wasInDesk && room) {
      refreshRoom();
      return;
    }
    if (fresh && room && (fresh.servedBy?._id !== room.servedBy?._id || fresh.open !== room.open)) {
      room = { ...room, ...fresh };
      renderState();
    }
  };
  desk.addEventListener("change", onDeskChange);
  let wasOnline = ddp.state === "online";
  const onConnection = ({ detail }) => {
    if (detail === "online" && !wasOnline) {
      list?.catchUp();
      refreshRoom();
    }
    wasOnline = detail === "online";
  };
  ddp.addEventListener("state", onConnection);

  // --- typing sent by the agent ---
  let typingSentAt = 0;
  let idleTimer = null;
  const sendTyping = (isTyping) => {
    ddp.method("stream-notify-room", [`${rid}/typing`, me.username, isTyping]).catch(() => {});
  };
  composer.addEventListener("input", () => {
    if (!composer.value) return;
    const now = Date.now();
    if (now - typingSentAt > TYPING_SEND_EVERY_MS) {
      typingSentAt = now;
      sendTyping(true);
    }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
  });
  const stopTyping = () => {
    clearTimeout(idleTimer);
    if (typingSentAt) sendTyping(false);
    typingSentAt = 0;
  };

  composer.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = composer.value;
    if (!text.trim() || !canWrite()) return;
    const message = { _id: newMessageId(), rid, msg: text };
    composer.value = "";
    stopTyping();
    try {
      const saved = await sendMessage(ddp, message);
      list.receive(saved);
    } catch (error) {
      // Nothing is lost: the text goes back into the box to send again.
      if (!composer.value) composer.value = text;
      toast(`Not sent: ${error.message}`, { error: true });
    }
  });

  // --- files: rooms.media stores it, rooms.mediaConfirm sends it (with the typed text) ---
  const sendFile = async (file) => {
    if (!file || !canWrite()) return;
    attach.disabled = true;
    try {
      const data = new FormData();
      data.append("file", file, file.name);
      const { file: stored } = await api.upload(`rooms.media/${encodeURIComponent(rid)}`, data);
      const { message } = await api.post(
        `rooms.mediaConfirm/${encodeURIComponent(rid)}/${encodeURIComponent(stored._id)}`,
        {},
      );
      list.receive(message);
    } catch (error) {
      toast(`File not sent: ${error.message}`, { error: true });
    } finally {
      attach.disabled = !canWrite();
      fileInput.value = "";
    }
  };
  fileInput.addEventListener("change", () => sendFile(fileInput.files[0]));
  main.addEventListener("dragover", (event) => {
    if (canWrite() && event.dataTransfer?.types.includes("Files")) event.preventDefault();
  });
  main.addEventListener("drop", (event) => {
    const file = event.dataTransfer?.files?.[0];
    if (!file || !canWrite()) return;
    event.preventDefault();
    sendFile(file);
  });

  load();
  return () => {
    closed = true;
    stopTyping();
    clearTimeout(typingTimer);
    desk.removeEventListener("change", onDeskChange);
    ddp.removeEventListener("state", onConnection);
    for (const stop of unsubscribe) stop();
    stopPanel();
  };
}

/** A paperclip drawn as SVG (built node by node: no markup strings, no icon font). */
function paperclipIcon() {
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "20");
  svg.setAttribute("height", "20");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(ns, "path");
  path.setAttribute("d", "M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l8-8");
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "2");
  path.setAttribute("stroke-linecap", "round");
  path.setAttribute("stroke-linejoin", "round");
  svg.append(path);
  return svg;
}

/**
 * Over DDP when connected, else REST; the client `_id` makes a retry of the same message
 * idempotent on the server, so a reply sent while the socket was dropping is saved once.
 */
async function sendMessage(ddp, message) {
  if (ddp.state === "online") {
    try {
      return await ddp.method("sendMessage", [message]);
    } catch (error) {
      if (error.error !== undefined) throw error; // the server refused it; REST would too
    }
  }
  const { message: saved } = await api.post("chat.sendMessage", { message });
  return saved;
}
