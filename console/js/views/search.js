// PLACEHOLDER: conversation search (being written). Returns a cleanup function.
import { h } from "../dom.js";

export function renderSearch(view) {
  view.replaceChildren(h("main", { class: "page" }, h("h1", { text: "Search" })));
  return () => {};
}
