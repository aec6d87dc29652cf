// The logged-in console: the top bar (sections, availability, connection, help, log out) and
// the section shown below it, chosen by the URL's hash so reloads and the back button work:
// `#/` the inbox, `#/chat/<rid>` a conversation, `#/visitors` live visitors, `#/search`.

import * as api from "../api.js";
import { Ddp, websocketUrl } from "../ddp.js";
import { Desk } from "../desk.js";
import { h, replaceChildren } from "../dom.js";
import { Alerts } from "../alerts.js";
import { installShortcuts } from "../keyboard.js";
import { renderWorkspace } from "./workspace.js";
import { renderLiveVisitors } from "./live-visitors.js";
import { renderSearch } from "./search.js";
import { mayAdminister, renderAdmin } from "./admin/index.js";
import { toast } from "./toast.js";

export function startDesk(root, me, { onLogout }) {
  const ddp = new Ddp(websocketUrl(), api.session.token);
  const desk = new Desk(me, ddp);
  const alerts = new Alerts(desk);
  const isAgent = me.roles.includes("livechat-agent");

  const connection = h("p", { class: "connection", role: "status", "aria-live": "polite" });
  const availability = isAgent ? availabilitySwitch(me) : null;
  const links = [
    ["#/", "Inbox"],
    ["#/visitors", "Live visitors"],
    ["#/search", "Search"],
    mayAdminister(me) && ["#/admin", "Administration"],
  ].filter(Boolean).map(([href, text]) => h("a", { href, text }));
  const helpButton = h("button", { type: "button", class: "icon", "aria-label": "Keyboard shortcuts", text: "?" });
  const menu = h(
    "header",
    { class: "topbar" },
    h("span", { class: "brand", text: "Livechat" }),
    h("nav", { "aria-label": "Sections" }, links),
    h("div", { class: "spacer" }),
    connection,
    availability?.element,
    alerts.controls(),
    helpButton,
    h("span", { class: "whoami", text: me.username }),
    h("button", { type: "button", class: "quiet", text: "Log out", onclick: () => stop() && onLogout() }),
  );
  const view = h("div", { class: "view" });
  replaceChildren(root, h("div", { class: "desk" }, menu, view));

  const showConnection = (state) => {
    const texts = {
      connecting: "Connecting…",
      online: "Connected",
      offline: "Connection lost, reconnecting…",
      closed: "Disconnected",
    };
    connection.textContent = texts[state] ?? state;
    connection.dataset.state = state;
  };
  showConnection(ddp.state);
  let everOnline = false;
  ddp.addEventListener("state", async ({ detail }) => {
    showConnection(detail);
    if (detail !== "online") return;
    if (everOnline) {
      // Streams resumed with `since`; lists loaded over REST are refreshed as well, since
      // a stream that had seen nothing before the drop has no point to resume from.
      desk.reload().catch(() => {});
      availability?.refresh();
    }
    everOnline = true;
  });
  ddp.addEventListener("loggedout", () => stop() && onLogout());
  const online = () => ddp.reconnectSoon();
  window.addEventListener("online", online);

  let current = null;
  const route = () => {
    const hash = location.hash || "#/";
    current?.();
    current = null;
    for (const link of links) {
      const active = link.getAttribute("href") === hash || (link.getAttribute("href") === "#/" && hash.startsWith("#/chat/")) || (link.getAttribute("href") === "#/admin" && hash.startsWith("#/admin/"));
      if (active) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    }
    if (hash === "#/visitors") current = renderLiveVisitors(view, { desk, ddp });
    else if (hash.startsWith("#/search")) current = renderSearch(view, { desk, openChat });
    else if (hash === "#/admin" || hash.startsWith("#/admin/")) current = renderAdmin(view, { hash, openChat });
    else {
      const rid = hash.startsWith("#/chat/") ? decodeURIComponent(hash.slice(7)) : null;
      current = renderWorkspace(view, { desk, ddp, rid, openChat });
    }
  };
  const openChat = (rid) => {
    location.hash = rid ? `#/chat/${encodeURIComponent(rid)}` : "#/";
  };
  window.addEventListener("hashchange", route);

  const help = installShortcuts({ desk, openChat, helpButton });
  desk.start().catch((error) => {
    view.prepend(h("p", { class: "error", role: "alert", text: `The inbox could not be loaded: ${error.message}` }));
  });
  route();

  let stopped = false;
  function stop() {
    if (stopped) return false;
    stopped = true;
    current?.();
    help.remove();
    alerts.stop();
    availability?.stop();
    desk.stop();
    ddp.close();
    window.removeEventListener("hashchange", route);
    window.removeEventListener("online", online);
    return true;
  }
  return stop;
}

/**
 * Available / Away for routing (`livechat/agent.status`). It shows what the server answered,
 * never an optimistic guess, so it cannot drift from the truth.
 */
function availabilitySwitch(me) {
  const input = h("input", { type: "checkbox", role: "switch", id: "availability" });
  const text = h("span");
  const element = h("label", { class: "availability", for: "availability" }, input, text);
  const show = (status) => {
    const available = status === "available";
    input.checked = available;
    text.textContent = available ? "Available" : "Away";
    element.dataset.status = available ? "available" : "away";
  };
  input.setAttribute("aria-label", "Available");
  show(me.statusLivechat);
  input.addEventListener("change", async () => {
    const wanted = input.checked ? "available" : "not-available";
    input.disabled = true;
    try {
      const answer = await api.post("livechat/agent.status", { status: wanted });
      show(answer.status ?? wanted);
    } catch (error) {
      show(input.checked ? "not-available" : "available");
      toast(error.message, { error: true });
    } finally {
      input.disabled = false;
    }
  });
  const refresh = async () => {
    if (input.disabled) return;
    const fresh = await api.get("me").catch(() => null);
    if (fresh) show(fresh.statusLivechat);
  };
  // No stream tells a user about its own routing status; a manager may change it, so it is
  // re-read now and then and whenever the tab comes back into view.
  const poll = setInterval(refresh, 60_000);
  const onVisible = () => document.visibilityState === "visible" && refresh();
  document.addEventListener("visibilitychange", onVisible);
  const stop = () => {
    clearInterval(poll);
    document.removeEventListener("visibilitychange", onVisible);
  };
  return { element, refresh, stop };
}
