// Keyboard shortcuts, and the overlay that lists them (`?`, or the top bar's "?" button).
// Alt-based, so they work while typing in the composer without stealing characters.

import { h } from "./dom.js";

export const SHORTCUTS = [
  ["Alt + ↓", "Next chat"],
  ["Alt + ↑", "Previous chat"],
  ["Alt + R", "Focus the reply box"],
  ["Alt + X", "Close the open chat"],
  ["Enter", "Send the message"],
  ["Shift + Enter", "New line in the message"],
  ["! + shortcut", "Insert a canned response (↑ / ↓ to choose, Enter or Tab to insert)"],
  ["?", "Show this list (outside text fields)"],
  ["Esc", "Close a dialog or this list"],
];

export function installShortcuts({ desk, openChat, helpButton }) {
  const dialog = h(
    "dialog",
    { class: "help", "aria-labelledby": "help-title" },
    h("h2", { id: "help-title", text: "Keyboard shortcuts" }),
    h(
      "dl",
      {},
      SHORTCUTS.map(([keys, what]) => [h("dt", {}, h("kbd", { text: keys })), h("dd", { text: what })]),
    ),
    h("form", { method: "dialog" }, h("button", { class: "primary", text: "Close" })),
  );
  document.body.append(dialog);
  const showHelp = () => {
    if (!dialog.open) dialog.showModal();
  };
  helpButton.addEventListener("click", showHelp);

  const inTextField = (target) =>
    target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));

  const onKey = (event) => {
    if (event.defaultPrevented) return;
    if (event.key === "?" && !inTextField(event.target) && !event.altKey && !event.ctrlKey) {
      event.preventDefault();
      showHelp();
      return;
    }
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    // Alt+letter may produce another character on some layouts; `code` is the physical key.
    const code = event.code;
    if (key === "ArrowDown" || key === "ArrowUp") {
      event.preventDefault();
      step(desk, openChat, key === "ArrowDown" ? 1 : -1);
    } else if (code === "KeyR") {
      event.preventDefault();
      document.querySelector("#composer")?.focus();
    } else if (code === "KeyX") {
      event.preventDefault();
      document.querySelector("[data-action=close]")?.click();
    }
  };
  window.addEventListener("keydown", onKey);
  return {
    remove() {
      window.removeEventListener("keydown", onKey);
      dialog.remove();
    },
  };
}

/** Moves through the inbox in the order it is shown: waiting chats, then open ones. */
function step(desk, openChat, direction) {
  const order = [...desk.waiting().map((i) => i.rid), ...desk.openChats().map((r) => r._id)];
  if (order.length === 0) return;
  const at = order.indexOf(desk.selected);
  const next = at === -1 ? (direction > 0 ? 0 : order.length - 1) : (at + direction + order.length) % order.length;
  openChat(order[next]);
}
