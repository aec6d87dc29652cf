// PLACEHOLDER: the visitor panel (being written). Returns a cleanup function.
import { h } from "../dom.js";

export function renderVisitorPanel(container, { room }) {
  container.replaceChildren(h("h2", { text: room.fname ?? "Visitor" }));
  return () => {};
}
