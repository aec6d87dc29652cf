// Short messages about what just happened ("Chat closed", an error), read out by screen
// readers and gone after a few seconds.

import { h } from "../dom.js";

let region = null;

export function toast(text, { error = false } = {}) {
  if (!region || !region.isConnected) {
    region = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
    document.body.append(region);
  }
  const item = h("p", { class: error ? "toast error" : "toast", text });
  region.append(item);
  setTimeout(() => item.remove(), error ? 8000 : 4000);
}
