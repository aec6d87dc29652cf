// Getting an agent's attention, so no chat waits unseen: a sound (synthesised with Web Audio,
// no files) on a new waiting chat, a chat assigned, and a visitor message; optionally
// repeating while chats wait; the count in the tab title; a system notification while the
// tab is hidden. `data-sounds` on <html> counts the sounds started (tests read it).

import { h } from "./dom.js";

const REPEAT_MS = 20_000;
const REPEAT_KEY = "livechat.repeatSound";
const MUTED_KEY = "livechat.muted";
const ASKED_KEY = "livechat.notificationsAsked";

export class Alerts {
  constructor(desk) {
    this.desk = desk;
    this.sounds = 0;
    this.audio = null;
    desk.addEventListener("waiting", ({ detail }) =>
      this.attention(`New chat waiting`, detail.name ?? detail.v?.username ?? "A visitor", detail.rid),
    );
    desk.addEventListener("assigned", ({ detail }) =>
      this.attention(`New chat`, detail.fname ?? detail.v?.username ?? "A visitor", detail._id),
    );
    desk.addEventListener("visitormessage", ({ detail }) =>
      this.attention(detail.u?.name ?? detail.u?.username ?? "Visitor", detail.msg ?? "", detail.rid),
    );
    desk.addEventListener("change", () => this.updateTitle());
    this.repeat = setInterval(() => {
      if (localStorage.getItem(REPEAT_KEY) === "1" && desk.queue.size > 0) this.beep();
    }, REPEAT_MS);
    // Browsers only let a page make sound (and ask for notifications) after a gesture.
    this.unlock = () => {
      this.audioContext();
      this.askNotificationsOnce();
    };
    window.addEventListener("pointerdown", this.unlock, { once: true });
    window.addEventListener("keydown", this.unlock, { once: true });
  }

  stop() {
    clearInterval(this.repeat);
    window.removeEventListener("pointerdown", this.unlock);
    window.removeEventListener("keydown", this.unlock);
    document.title = "Livechat";
  }

  /** The sound and notification preferences, for the top bar. */
  controls() {
    const muted = h("input", { type: "checkbox", id: "alert-muted" });
    muted.checked = localStorage.getItem(MUTED_KEY) === "1";
    muted.addEventListener("change", () => localStorage.setItem(MUTED_KEY, muted.checked ? "1" : "0"));
    const repeat = h("input", { type: "checkbox", id: "alert-repeat" });
    repeat.checked = localStorage.getItem(REPEAT_KEY) === "1";
    repeat.addEventListener("change", () => localStorage.setItem(REPEAT_KEY, repeat.checked ? "1" : "0"));
    return h(
      "details",
      { class: "alert-settings" },
      h("summary", { text: "Alerts" }),
      h(
        "div",
        { class: "popover" },
        h("label", { for: "alert-muted" }, muted, " Mute sounds"),
        h("label", { for: "alert-repeat" }, repeat, " Repeat while chats wait"),
      ),
    );
  }

  attention(title, body, rid) {
    this.beep();
    if (document.visibilityState === "hidden") this.notify(title, body, rid);
  }

  audioContext() {
    if (!this.audio && window.AudioContext) this.audio = new AudioContext();
    if (this.audio?.state === "suspended") this.audio.resume().catch(() => {});
    return this.audio;
  }

  /** Two short rising tones. */
  beep() {
    if (localStorage.getItem(MUTED_KEY) === "1") return;
    this.sounds += 1;
    document.documentElement.dataset.sounds = String(this.sounds);
    const ctx = this.audioContext();
    if (!ctx) return;
    const start = ctx.currentTime + 0.01;
    [660, 880].forEach((frequency, i) => {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = frequency;
      const t = start + i * 0.16;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.25, t + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.14);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + 0.15);
    });
  }

  askNotificationsOnce() {
    if (!window.Notification || Notification.permission !== "default") return;
    if (localStorage.getItem(ASKED_KEY)) return;
    localStorage.setItem(ASKED_KEY, "1");
    Notification.requestPermission().catch(() => {});
  }

  notify(title, body, rid) {
    if (!window.Notification || Notification.permission !== "granted") return;
    const notification = new Notification(title, { body: String(body).slice(0, 200), tag: rid });
    notification.onclick = () => {
      window.focus();
      location.hash = `#/chat/${encodeURIComponent(rid)}`;
      notification.close();
    };
  }

  updateTitle() {
    const count = this.desk.totalUnread + this.desk.queue.size;
    document.title = count > 0 ? `(${count}) Livechat` : "Livechat";
  }
}
