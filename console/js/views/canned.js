// Canned responses in the composer: typing `!` and the start of a shortcut at the start of a
// word lists the matching responses (`canned-responses.get`: global ones, the agent's
// departments' and its own); ↑/↓ choose, Enter or Tab (or a click) put the response's text
// in place of `!shortcut`, Esc closes the list. While the list is open, Enter does not send.
// The list follows Rocket.Chat's `stream-canned-responses` (saved: `{type: "changed", ...}`,
// removed: `{type: "removed", _id}`), so a response saved elsewhere is offered at once.

import * as api from "../api.js";
import { h } from "../dom.js";

/** A full re-read now and then, in case the permission table changed while away. */
const REFRESH_AFTER_MS = 5 * 60_000;
const MAX_SHOWN = 8;
/** `!` and a shortcut being typed, at the start of the text or after white space. */
const TRIGGER = /(^|\s)!([^\s!]*)$/;

/** The responses, shared by every composer of the page, re-read when a minute old. */
const cache = { responses: [], loadedAt: 0, loading: null };

function loadResponses() {
  if (cache.loading) return cache.loading;
  cache.loading = api
    .get("canned-responses.get")
    .then(({ responses }) => {
      cache.responses = responses ?? [];
      cache.loadedAt = Date.now();
    })
    .catch(() => {
      // No permission or no server: no suggestions, tried again a minute later.
      cache.loadedAt = Date.now();
    })
    .finally(() => {
      cache.loading = null;
    });
  return cache.loading;
}

/** The connection whose canned-responses stream updates the cache (one subscription a page). */
let watchedBy = null;

function watchResponses(ddp) {
  if (!ddp || watchedBy === ddp) return;
  watchedBy = ddp;
  ddp.subscribe("stream-canned-responses", "canned-responses", (event) => {
    if (!event?._id) return;
    const others = cache.responses.filter((r) => r._id !== event._id);
    if (event.type === "changed") {
      const { type, ...response } = event;
      cache.responses = [...others, response];
    } else if (event.type === "removed") {
      cache.responses = others;
    }
  });
}

/** Shortcuts starting with `typed` first, then (from two letters on) those containing it; any case. */
function matching(typed) {
  const needle = typed.toLowerCase();
  const starts = [];
  const contains = [];
  for (const response of cache.responses) {
    const shortcut = String(response.shortcut).toLowerCase();
    if (shortcut.startsWith(needle)) starts.push(response);
    else if (needle.length > 1 && shortcut.includes(needle)) contains.push(response);
  }
  const byShortcut = (a, b) => String(a.shortcut).localeCompare(String(b.shortcut));
  return starts.sort(byShortcut).concat(contains.sort(byShortcut)).slice(0, MAX_SHOWN);
}

let nextListId = 1;

/**
 * Adds the suggestions to `textarea`. Call it before the composer registers its own keydown
 * listener: this one must see Enter first to keep it from sending while the list is open.
 */
export function attachCannedResponses(textarea, { desk } = {}) {
  watchResponses(desk?.ddp);
  const listId = `canned-list-${nextListId++}`;
  const list = h("ul", { id: listId, class: "canned-list", role: "listbox", "aria-label": "Canned responses", hidden: true });
  textarea.setAttribute("aria-autocomplete", "list");
  let shown = [];
  let active = 0;
  let trigger = null; // {start, end}: where `!shortcut` sits in the text

  const isOpen = () => !list.hidden && shown.length > 0;

  const close = () => {
    list.hidden = true;
    shown = [];
    trigger = null;
    textarea.removeAttribute("aria-activedescendant");
  };

  const highlight = (index) => {
    active = (index + shown.length) % shown.length;
    list.querySelectorAll("[role=option]").forEach((option, i) => {
      option.setAttribute("aria-selected", String(i === active));
      if (i === active) {
        textarea.setAttribute("aria-activedescendant", option.id);
        option.scrollIntoView?.({ block: "nearest" });
      }
    });
  };

  const insert = (response) => {
    if (!trigger) return;
    const before = textarea.value.slice(0, trigger.start);
    const after = textarea.value.slice(trigger.end);
    const text = String(response.text);
    textarea.value = before + text + after;
    const caret = before.length + text.length;
    textarea.setSelectionRange(caret, caret);
    close();
    textarea.focus();
    // The composer's own listeners (typing notifications) hear the change.
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
  };

  const render = () => {
    list.replaceChildren(
      ...shown.map((response, i) =>
        h(
          "li",
          {
            id: `${listId}-${i}`,
            role: "option",
            "aria-selected": String(i === active),
            // mousedown, not click: the textarea keeps the focus and the caret.
            onmousedown: (event) => {
              event.preventDefault();
              insert(response);
            },
          },
          h("span", { class: "canned-shortcut", text: `!${response.shortcut}` }),
          h("span", { class: "canned-text", text: response.text }),
        ),
      ),
    );
    // `aria-controls` only once the list is in the page: an id naming nothing is invalid ARIA.
    if (!list.isConnected) {
      textarea.before(list);
      textarea.setAttribute("aria-controls", listId);
    }
    list.hidden = shown.length === 0;
    if (shown.length) highlight(Math.min(active, shown.length - 1));
    else textarea.removeAttribute("aria-activedescendant");
  };

  const update = () => {
    const caret = textarea.selectionStart;
    if (caret !== textarea.selectionEnd) return close();
    const match = TRIGGER.exec(textarea.value.slice(0, caret));
    if (!match) return close();
    const typed = match[2];
    trigger = { start: caret - typed.length - 1, end: caret };
    const wasOpen = isOpen();
    shown = matching(typed);
    if (!wasOpen) active = 0;
    render();
    if (Date.now() - cache.loadedAt > REFRESH_AFTER_MS && !cache.loading) {
      loadResponses().then(() => {
        if (trigger && document.activeElement === textarea) update();
      });
    }
  };

  textarea.addEventListener("keydown", (event) => {
    if (!isOpen() || event.isComposing) return;
    const stop = () => {
      event.preventDefault();
      event.stopImmediatePropagation();
    };
    if (event.key === "ArrowDown") {
      stop();
      highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      stop();
      highlight(active - 1);
    } else if ((event.key === "Enter" && !event.shiftKey) || (event.key === "Tab" && !event.shiftKey)) {
      stop();
      insert(shown[active]);
    } else if (event.key === "Escape") {
      stop();
      close();
    }
  });
  textarea.addEventListener("input", update);
  textarea.addEventListener("click", update);
  textarea.addEventListener("blur", close);
  return { close };
}
