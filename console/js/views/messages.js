// One conversation's messages: the newest page first, older pages when the agent scrolls up
// (a 10,000-message chat opens as fast as a new one), live messages and edits from the room
// stream, each message shown once however it arrived (REST page, stream, catch-up, our own
// send).

import * as api from "../api.js";
import { h, timeText, toDate } from "../dom.js";
import { toast } from "./toast.js";

const PAGE = 50;

export class MessageList {
  constructor({ rid, me, room }) {
    this.rid = rid;
    this.me = me;
    this.room = room;
    this.byId = new Map(); // _id -> {message, element}
    this.loaded = 0; // messages fetched from the newest backwards (for the next page's offset)
    this.total = null;
    this.loading = false;
    this.list = h("ol", { class: "messages" });
    this.older = h("p", { class: "muted older", text: "" });
    this.element = h(
      "div",
      { class: "log", role: "log", "aria-label": "Messages", "aria-live": "polite", tabindex: "0" },
      this.older,
      this.list,
    );
    this.element.addEventListener("scroll", () => {
      if (this.element.scrollTop < 120) this.loadOlder();
    });
  }

  get hasMore() {
    return this.total === null || this.loaded < this.total;
  }

  /** The newest page. */
  async loadLatest() {
    this.loaded = 0;
    this.total = null;
    await this.loadOlder();
    this.scrollToEnd();
  }

  async loadOlder() {
    if (this.loading || !this.hasMore) return;
    this.loading = true;
    this.older.textContent = "Loading older messages…";
    const before = this.element.scrollHeight - this.element.scrollTop;
    try {
      const page = await api.get(`livechat/${encodeURIComponent(this.rid)}/messages`, {
        sort: { ts: -1 },
        count: PAGE,
        offset: this.loaded,
      });
      this.total = page.total;
      this.loaded += page.messages.length;
      const fresh = page.messages.filter((m) => !this.byId.has(m._id)).reverse();
      const nodes = fresh.map((m) => this.entry(m)).filter(Boolean);
      this.list.prepend(...nodes);
      // Keep what the agent was reading where it was.
      this.element.scrollTop = this.element.scrollHeight - before;
      this.older.textContent = this.hasMore ? "Scroll up for older messages" : "Start of the conversation";
    } catch (error) {
      this.older.textContent = `Older messages could not be loaded: ${error.message}`;
    } finally {
      this.loading = false;
    }
  }

  /**
   * After a reconnect: the newest page again, merged (known ids are skipped). The stream's
   * `since` replay covers a stream that had seen an event; this covers one that had not.
   */
  async catchUp() {
    try {
      const page = await api.get(`livechat/${encodeURIComponent(this.rid)}/messages`, {
        sort: { ts: -1 },
        count: PAGE,
        offset: 0,
      });
      for (const message of page.messages.reverse()) {
        if (!this.byId.has(message._id)) this.receive(message);
      }
    } catch {
      // The next reconnect tries again; live messages keep arriving meanwhile.
    }
  }

  /** A message from the stream or our own send: new at the end, or an edit in place. */
  receive(message) {
    const known = this.byId.get(message._id);
    if (known) {
      const element = this.render(message);
      if (element) known.element.replaceWith(element);
      else known.element.remove();
      this.byId.set(message._id, { message, element: element ?? known.element });
      return;
    }
    const atEnd = this.element.scrollHeight - this.element.scrollTop - this.element.clientHeight < 80;
    const element = this.entry(message);
    if (!element) return;
    this.loaded += 1;
    if (this.total !== null) this.total += 1;
    this.list.append(element);
    if (atEnd || message.u?._id === this.me._id) this.scrollToEnd();
  }

  remove(id) {
    const known = this.byId.get(id);
    if (!known) return;
    known.element.remove();
    this.byId.delete(id);
  }

  entry(message) {
    const element = this.render(message);
    if (!element) return null;
    this.byId.set(message._id, { message, element });
    return element;
  }

  scrollToEnd() {
    this.element.scrollTop = this.element.scrollHeight;
  }

  render(message) {
    if (message.hidden) return null;
    const when = toDate(message.ts);
    if (message.t) return systemLine(message, when);
    const own = message.u?._id === this.me._id;
    const fromVisitor = this.room?.v?._id && message.u?._id === this.room.v._id;
    const author = message.u?.name || message.u?.username || "Unknown";
    const text = h("p", { class: "text", text: message.msg ?? "" });
    const actions = own ? this.ownActions(message, text) : null;
    return h(
      "li",
      { class: `message ${own ? "own" : fromVisitor ? "visitor" : "staff"}`, dataset: { id: message._id } },
      h(
        "div",
        { class: "byline" },
        h("span", { class: "author", text: author }),
        h("time", { datetime: when?.toISOString(), text: timeText(when) }),
        message.editedAt ? h("span", { class: "muted", text: "(edited)" }) : null,
        actions,
      ),
      message.msg ? text : null,
      attachmentsOf(message),
    );
  }

  ownActions(message, text) {
    const edit = h("button", {
      type: "button",
      class: "link",
      "aria-label": "Edit message",
      text: "Edit",
      onclick: () => this.edit(message, text),
    });
    const remove = h("button", {
      type: "button",
      class: "link",
      "aria-label": "Delete message",
      text: "Delete",
      onclick: async () => {
        if (!confirm("Delete this message?")) return;
        try {
          await api.post("chat.delete", { roomId: this.rid, msgId: message._id });
          this.remove(message._id);
        } catch (error) {
          toast(`Could not delete: ${error.message}`, { error: true });
        }
      },
    });
    return h("div", { class: "message-actions" }, edit, remove);
  }

  edit(message, text) {
    const box = h("textarea", { "aria-label": "Edited message", rows: 2, value: message.msg });
    const save = h("button", { type: "submit", class: "primary", text: "Save" });
    const cancel = h("button", { type: "button", text: "Cancel" });
    const form = h("form", { class: "edit" }, box, h("div", { class: "row" }, save, cancel));
    text.replaceWith(form);
    box.focus();
    cancel.addEventListener("click", () => form.replaceWith(text));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      save.disabled = true;
      try {
        const { message: saved } = await api.post("chat.update", {
          roomId: this.rid,
          msgId: message._id,
          text: box.value,
        });
        this.receive(saved ?? { ...message, msg: box.value, editedAt: new Date().toISOString() });
      } catch (error) {
        toast(`Could not edit: ${error.message}`, { error: true });
        save.disabled = false;
      }
    });
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        form.requestSubmit();
      } else if (event.key === "Escape") {
        form.replaceWith(text);
      }
    });
  }
}

/**
 * A file message's attachments: images shown (they load with the login cookies, see
 * api.js), other files as download links. Only links to this server's `/file-upload/` are
 * followed; anything else in a message is shown as text.
 */
function attachmentsOf(message) {
  const attachments = (message.attachments ?? []).filter((a) => isFileLink(a?.title_link));
  if (!attachments.length) return null;
  return h(
    "div",
    { class: "attachments" },
    attachments.map((attachment) => {
      const title = String(attachment.title ?? "file");
      const size = attachment.image_size ?? attachment.audio_size ?? attachment.video_size;
      const description = attachment.description ? h("p", { class: "text", text: attachment.description }) : null;
      if (isFileLink(attachment.image_url)) {
        return h(
          "figure",
          { class: "attachment image" },
          h(
            "a",
            { href: attachment.image_url, target: "_blank", rel: "noopener noreferrer" },
            h("img", { src: attachment.image_url, alt: title, loading: "lazy" }),
          ),
          h("figcaption", { text: title }),
          description,
        );
      }
      return h(
        "div",
        { class: "attachment file" },
        h("a", { href: attachment.title_link, download: title, text: title }),
        size ? h("span", { class: "muted", text: ` ${sizeText(size)}` }) : null,
        description,
      );
    }),
  );
}

function isFileLink(url) {
  return typeof url === "string" && url.startsWith("/file-upload/");
}

function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Events in the chat (closed, transferred, taken...) as one quiet line. */
function systemLine(message, when) {
  const who = message.u?.name || message.u?.username || "";
  const transfer = message.transferData;
  let text;
  switch (message.t) {
    case "livechat-close":
      text = `Chat closed${who ? ` by ${who}` : ""}${message.msg ? `: ${message.msg}` : ""}`;
      break;
    case "livechat_transfer_history":
      text = transferText(transfer, who);
      break;
    case "livechat-started":
      text = "Chat started";
      break;
    case "uj":
      text = `${who} joined`;
      break;
    default:
      text = message.msg || message.t;
  }
  return h(
    "li",
    { class: "system", dataset: { id: message._id } },
    h("span", { text }),
    " ",
    h("time", { datetime: when?.toISOString(), text: timeText(when) }),
  );
}

function transferText(transfer, who) {
  if (!transfer) return "Transferred";
  const by = transfer.transferredBy?.name || transfer.transferredBy?.username || who;
  const comment = transfer.comment ? ` (${transfer.comment})` : "";
  if (transfer.scope === "queue") return `${by} returned the chat to the queue${comment}`;
  if (transfer.scope === "department") {
    const to = transfer.nextDepartment?.name ?? "another department";
    return `${by} forwarded the chat to ${to}${comment}`;
  }
  const to = transfer.transferredTo?.name || transfer.transferredTo?.username || "another agent";
  return `${by} forwarded the chat to ${to}${comment}`;
}
