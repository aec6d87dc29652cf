// What the agent's screen shows, kept in one place and fed by REST loads and DDP streams:
// the queue of waiting chats, the open chats (its own; a manager's: all), unread counts. Views
// listen for "change" and re-render from here; nothing else holds chat state.

import * as api from "./api.js";
import { toDate } from "./dom.js";

const PAGE = 100;
const MAX_ROOMS = 5000;

export class Desk extends EventTarget {
  constructor(me, ddp) {
    super();
    this.me = me;
    this.ddp = ddp;
    this.rooms = new Map(); // rid -> open room
    this.queue = new Map(); // rid -> queued inquiry
    this.unread = new Map(); // rid -> count of visitor messages not yet seen
    this.selected = null;
    this.routing = "Auto_Selection";
    this.departments = [];
    this.changeQueued = false;
  }

  get isManager() {
    return this.me.roles.some((r) => r === "admin" || r === "livechat-manager");
  }

  /** Coalesces bursts of events into one re-render per frame. */
  changed() {
    if (this.changeQueued) return;
    this.changeQueued = true;
    requestAnimationFrame(() => {
      this.changeQueued = false;
      this.dispatchEvent(new Event("change"));
    });
  }

  async start() {
    await Promise.all([this.loadConfig(), this.loadDepartments(), this.loadPermissions()]);
    await this.reload();
    this.subscribe();
  }

  /** The role × permission table (`permissions.listAll`), to offer only what will work. */
  async loadPermissions() {
    try {
      const { update } = await api.get("permissions.listAll");
      this.permissions = new Map(update.map((p) => [p._id, p.roles]));
    } catch {
      this.permissions = null; // unknown: offer everything, the server still decides
    }
  }

  /** Whether the logged-in user holds `permission` (true when the table is unknown). */
  can(permission) {
    const roles = this.permissions?.get(permission);
    if (!this.permissions) return true;
    return Boolean(roles?.some((role) => this.me.roles.includes(role)));
  }

  async loadConfig() {
    try {
      const { setting } = await api.get("settings/Livechat_Routing_Method");
      this.routing = setting?.value ?? this.routing;
    } catch {
      // Plain agents may not read settings; the queue's "Take" is shown whenever a chat
      // waits, which is right for manual routing and harmless for automatic.
      this.routing = null;
    }
  }

  async loadDepartments() {
    try {
      const { departments } = await api.get("livechat/department", { count: 500 });
      this.departments = departments ?? [];
      const mine = await api.get(`livechat/agents/${this.me._id}/departments`).catch(() => null);
      this.myDepartments = mine?.departments?.map((d) => d.departmentId) ?? null;
    } catch {
      this.departments = [];
    }
  }

  /** The whole inbox from REST: at start and after a reconnect. */
  async reload() {
    this.loadPermissions();
    const [rooms, queue] = await Promise.all([this.loadRooms(), this.loadQueue()]);
    this.rooms = new Map(rooms.map((r) => [r._id, r]));
    this.queue = new Map(queue.map((i) => [i.rid, i]));
    for (const rid of this.unread.keys()) if (!this.rooms.has(rid)) this.unread.delete(rid);
    for (const room of this.rooms.values()) this.noteUnreadFromRoom(room);
    this.changed();
  }

  async loadRooms() {
    const query = { open: true, sort: { _updatedAt: -1 } };
    if (!this.isManager) query.agents = [this.me._id];
    const rooms = await api.getAll("livechat/rooms", "rooms", query, { pageSize: PAGE, max: MAX_ROOMS });
    return rooms.filter((r) => r.open !== false && r.servedBy);
  }

  loadQueue() {
    return api.getAll("livechat/inquiries.queuedForUser", "inquiries", {}, { pageSize: PAGE, max: MAX_ROOMS });
  }

  subscribe() {
    const uid = this.me._id;
    this.ddp.subscribe("stream-notify-user", `${uid}/rooms-changed`, (kind, room) => {
      if (room?.t === "l") this.upsertRoom(room);
    });
    this.ddp.subscribe("stream-notify-user", `${uid}/subscriptions-changed`, (kind, sub) => {
      if (kind === "removed" && !this.isManager) this.removeRoom(sub.rid);
      if (kind === "removed" && this.isManager) this.refreshRoom(sub.rid);
    });
    this.ddp.subscribe("stream-room-messages", "__my_messages__", (message) =>
      this.onMessage(message),
    );
    const queues = ["public"];
    const departments = this.isManager
      ? this.departments.map((d) => d._id)
      : (this.myDepartments ?? []);
    for (const id of departments) queues.push(`department/${id}`);
    for (const name of queues) {
      this.ddp.subscribe("stream-livechat-inquiry-queue-observer", name, (inquiry) =>
        this.onInquiry(inquiry),
      );
    }
    // Managers see every open chat, but the server streams only the rooms one serves; the
    // rest is refreshed at a calm pace (and at once when the queue moves).
    if (this.isManager) this.managerRefresh = setInterval(() => this.refreshRooms(), 15_000);
  }

  stop() {
    clearInterval(this.managerRefresh);
  }

  async refreshRooms() {
    try {
      const rooms = await this.loadRooms();
      const fresh = new Map(rooms.map((r) => [r._id, r]));
      for (const [rid, room] of this.rooms) if (fresh.has(rid)) fresh.set(rid, { ...room, ...fresh.get(rid) });
      this.rooms = fresh;
      this.changed();
    } catch {
      // The next refresh or reconnect tries again.
    }
  }

  async refreshRoom(rid) {
    try {
      const { room } = await api.get("rooms.info", { roomId: rid });
      if (room?.open && room.servedBy) this.upsertRoom(room);
      else this.removeRoom(rid);
    } catch {
      this.removeRoom(rid);
    }
  }

  upsertRoom(room) {
    if (!room.open || !room.servedBy) {
      this.removeRoom(room._id);
      return;
    }
    if (!this.isManager && room.servedBy._id !== this.me._id) {
      this.removeRoom(room._id);
      return;
    }
    const known = this.rooms.get(room._id);
    this.rooms.set(room._id, { ...known, ...room });
    this.queue.delete(room._id);
    if (!known) this.dispatchEvent(new CustomEvent("assigned", { detail: room }));
    this.changed();
  }

  removeRoom(rid) {
    if (this.rooms.delete(rid) || this.unread.delete(rid)) this.changed();
  }

  onInquiry(inquiry) {
    if (!inquiry?.rid) return;
    const waiting = inquiry.type !== "removed" && inquiry.status === "queued";
    if (waiting) {
      const isNew = !this.queue.has(inquiry.rid);
      this.queue.set(inquiry.rid, { ...this.queue.get(inquiry.rid), ...inquiry });
      if (isNew) this.dispatchEvent(new CustomEvent("waiting", { detail: inquiry }));
    } else {
      this.queue.delete(inquiry.rid);
      if (this.isManager) this.refreshRooms();
    }
    this.changed();
  }

  onMessage(message) {
    const room = this.rooms.get(message.rid);
    if (room) {
      room.lastMessage = message;
      room._updatedAt = message._updatedAt ?? message.ts;
    }
    const visible = !message.t && !message.hidden;
    if (visible && this.isVisitorMessage(message) && message.rid !== this.readingRid()) {
      this.unread.set(message.rid, (this.unread.get(message.rid) ?? 0) + 1);
      this.dispatchEvent(new CustomEvent("visitormessage", { detail: message }));
    } else if (visible && this.isVisitorMessage(message)) {
      this.markRead(message.rid, message.ts);
    }
    this.dispatchEvent(new CustomEvent("message", { detail: message }));
    this.changed();
  }

  /** A visitor's message: its author is the room's visitor, not staff. */
  isVisitorMessage(message) {
    const room = this.rooms.get(message.rid) ?? this.queue.get(message.rid);
    return Boolean(room?.v?._id) && message.u?._id === room.v._id;
  }

  /** The chat the agent is looking at now (a hidden tab reads nothing). */
  readingRid() {
    return document.visibilityState === "visible" ? this.selected : null;
  }

  select(rid) {
    this.selected = rid;
    if (rid) this.markRead(rid);
    this.changed();
  }

  markRead(rid, at = new Date()) {
    this.unread.delete(rid);
    localStorage.setItem(`livechat.read.${rid}`, String(toDate(at)?.getTime() ?? Date.now()));
    this.changed();
  }

  /** After a load: a room whose last message is the visitor's and newer than what was read. */
  noteUnreadFromRoom(room) {
    const last = room.lastMessage;
    if (!last || this.unread.has(room._id) || room._id === this.readingRid()) return;
    const readAt = Number(localStorage.getItem(`livechat.read.${room._id}`) ?? 0);
    if (last.u?._id === room.v?._id && toDate(last.ts)?.getTime() > readAt) {
      this.unread.set(room._id, 1);
    }
  }

  get totalUnread() {
    let total = 0;
    for (const n of this.unread.values()) total += n;
    return total;
  }

  /** Waiting chats, longest-waiting first. */
  waiting() {
    return [...this.queue.values()].sort((a, b) => toDate(a.ts) - toDate(b.ts));
  }

  /** Open chats: the caller's first, then by latest activity. */
  openChats() {
    const recent = (r) => toDate(r.lastMessage?.ts ?? r._updatedAt ?? r.ts)?.getTime() ?? 0;
    return [...this.rooms.values()].sort((a, b) => recent(b) - recent(a));
  }

  mine() {
    return this.openChats().filter((r) => r.servedBy?._id === this.me._id);
  }

  others() {
    return this.openChats().filter((r) => r.servedBy?._id !== this.me._id);
  }
}
