// Conversation search: by visitor name, e-mail or message text, within what the agent may
// read (the server decides). The query and page live in the URL (`#/search?q=…&page=2`), so a
// reload, a shared link and the back button all show the same results.

import * as api from "../api.js";
import { h, dateTimeText, timeText, toDate } from "../dom.js";

const PER_PAGE = 20;
const MAX_QUERY = 200;

// Set when this screen itself changed the URL, so the next render moves focus to the results
// (a reload or the back button leaves focus where the browser puts it).
let focusResultsNext = false;

// Results are plain links (`#/chat/<rid>`) rather than `openChat` calls, so they also open in
// a new tab; `desk` and `openChat` are accepted for the shell's common signature.
export function renderSearch(view, { desk, openChat } = {}) {
  const { q, page } = readHash();
  const box = h("input", {
    type: "search",
    id: "search-text",
    name: "q",
    "aria-label": "Search conversations",
    placeholder: "Visitor name, e-mail or message text",
    maxlength: MAX_QUERY,
    autocomplete: "off",
    value: q,
  });
  const form = h(
    "form",
    { role: "search", class: "search-form" },
    box,
    h("button", { type: "submit", class: "primary", text: "Search" }),
  );
  const status = h("p", { class: "muted result-count", role: "status", tabindex: "-1" });
  const problem = h("p", { class: "error", role: "alert", hidden: true });
  const results = h("ol", { class: "search-results", "aria-label": "Conversations found" });
  const pager = h("nav", { class: "pager", "aria-label": "Result pages", hidden: true });
  view.replaceChildren(
    h("main", { class: "page search-page" }, h("h1", { text: "Search" }), form, problem, status, results, pager),
  );

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = box.value.trim();
    if (!text) {
      problem.textContent = "Type a name, an e-mail or words from a message.";
      problem.hidden = false;
      box.focus();
      return;
    }
    go(text, 1);
  });

  let stopped = false;
  const search = async () => {
    status.textContent = "Searching…";
    try {
      const answer = await api.get("livechat/rooms.search", {
        text: q,
        offset: (page - 1) * PER_PAGE,
        count: PER_PAGE,
      });
      if (stopped) return;
      const total = answer.total ?? answer.rooms?.length ?? 0;
      status.textContent = `${total} ${total === 1 ? "conversation" : "conversations"} found`;
      results.replaceChildren(...(answer.rooms ?? []).map((room) => resultItem(room, q)));
      showPager(total);
    } catch (error) {
      if (stopped) return;
      status.textContent = "";
      problem.textContent = `The search failed: ${error.message}`;
      problem.hidden = false;
    }
    if (focusResultsNext) {
      focusResultsNext = false;
      status.focus();
    }
  };

  const showPager = (total) => {
    const pages = Math.max(1, Math.ceil(total / PER_PAGE));
    const previous = h("button", { type: "button", text: "Previous page", disabled: page <= 1, onclick: () => go(q, page - 1) });
    const next = h("button", { type: "button", text: "Next page", disabled: page >= pages, onclick: () => go(q, page + 1) });
    pager.replaceChildren(previous, h("span", { class: "muted", text: `Page ${page} of ${pages}` }), next);
    pager.hidden = pages <= 1;
  };

  if (q) search();
  else {
    status.textContent = "";
    box.focus();
  }
  return () => {
    stopped = true;
  };
}

/** Moves to a query and page by the URL; the shell's router renders the screen again. */
function go(text, page) {
  const params = new URLSearchParams({ q: text });
  if (page > 1) params.set("page", String(page));
  focusResultsNext = true;
  location.hash = `#/search?${params}`;
}

function readHash() {
  const query = location.hash.split("?")[1] ?? "";
  const params = new URLSearchParams(query);
  const page = Math.max(1, Number.parseInt(params.get("page") ?? "1", 10) || 1);
  return { q: (params.get("q") ?? "").slice(0, MAX_QUERY), page };
}

function resultItem(room, query) {
  const closed = room.open === false || Boolean(room.closedAt);
  const when = toDate(room.ts);
  const agent = room.servedBy?.username ?? (closed ? "" : "waiting");
  const name = room.fname || room.v?.name || room.v?.username || "Visitor";
  const matches = (room.matches ?? []).slice(0, 3);
  return h(
    "li",
    {},
    h(
      "a",
      { href: `#/chat/${encodeURIComponent(room._id)}`, class: "search-result" },
      h(
        "span",
        { class: "result-head" },
        h("span", { class: "name" }, highlight(name, query)),
        h("span", { class: closed ? "pill" : "pill open", text: closed ? "Closed" : "Open" }),
        h("time", { class: "muted small", datetime: when?.toISOString(), text: dateTimeText(when) }),
        agent ? h("span", { class: "muted small", text: agent === "waiting" ? "Waiting" : `Agent: ${agent}` }) : null,
      ),
      matches.length
        ? h(
            "span",
            { class: "matches" },
            matches.map((m) =>
              h(
                "span",
                { class: "match" },
                h("span", { class: "muted small", text: `${m.u?.name || m.u?.username || ""} ${timeText(toDate(m.ts))}`.trim() }),
                " ",
                h("span", { class: "match-text" }, highlight(m.msg ?? "", query)),
              ),
            ),
          )
        : h("span", { class: "muted small", text: room.lastMessage?.msg ?? "" }),
    ),
  );
}

/**
 * The text as text nodes, with each occurrence of a query word in a `<mark>`: built from
 * nodes, never from an HTML string, so message text cannot become markup.
 */
export function highlight(text, query) {
  const words = [...new Set(query.toLowerCase().split(/\s+/).filter((w) => w.length > 1))];
  if (!words.length || !text) return [text];
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  // With one capturing group, split() puts the matches at the odd indexes.
  const parts = text.split(new RegExp(`(${escaped.join("|")})`, "gi"));
  return parts.map((p, i) => (i % 2 === 1 ? h("mark", { text: p }) : p)).filter((p) => p !== "");
}
