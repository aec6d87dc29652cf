// The inbox route: the chat list, the open conversation and the visitor panel side by side
// on a wide screen; one at a time on a phone (the list, or the chat with a way back).

import { h } from "../dom.js";
import { renderInbox } from "./inbox.js";
import { renderConversation } from "./conversation.js";

export function renderWorkspace(view, { desk, ddp, rid, openChat }) {
  const inbox = h("nav", { class: "inbox", "aria-label": "Inbox" });
  const conversation = h("section", { class: "conversation", "aria-label": "Conversation" });
  const layout = h("div", { class: "workspace", dataset: { chat: rid ? "open" : "none" } }, inbox, conversation);
  view.replaceChildren(layout);
  desk.select(rid);
  const stopInbox = renderInbox(inbox, { desk, openChat });
  const stopConversation = rid
    ? renderConversation(conversation, { desk, ddp, rid, openChat, layout })
    : emptyConversation(conversation, desk);
  return () => {
    stopInbox();
    stopConversation();
    desk.select(null);
  };
}

function emptyConversation(container, desk) {
  container.replaceChildren(
    h(
      "div",
      { class: "placeholder" },
      h("h2", { text: "No chat open" }),
      h("p", {
        class: "muted",
        text: desk.isManager
          ? "Pick a chat from the inbox. Waiting chats are at the top."
          : "Pick a chat from the inbox, or take one that is waiting.",
      }),
      h("p", { class: "muted", text: "Press ? for keyboard shortcuts." }),
    ),
  );
  return () => {};
}
