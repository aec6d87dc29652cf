// PLACEHOLDER: the live-visitors view (being written). Returns a cleanup function.
import { h } from "../dom.js";

export function renderLiveVisitors(view) {
  view.replaceChildren(h("main", { class: "page" }, h("h1", { text: "Live visitors" })));
  return () => {};
}
