// Form pieces shared by the screens: a labelled field, an error line.

import { h } from "../dom.js";

let nextId = 1;

/** A `<label>` + input (or textarea / select with `tag`) pair; returns `{row, input}`. */
export function field(label, { tag = "input", hint, options, ...attrs } = {}) {
  const id = `f${nextId++}`;
  const input = h(tag, { id, ...attrs });
  if (tag === "select") {
    for (const option of options ?? []) {
      input.append(h("option", { value: option.value, text: option.label }));
    }
  }
  const row = h(
    "div",
    { class: "field" },
    h("label", { for: id, text: label }),
    input,
    hint ? h("small", { class: "muted", text: hint }) : null,
  );
  return { row, input };
}

/** An error line, hidden until it has something to say; read out when it appears. */
export function formError(text) {
  return h("p", { class: "error", role: "alert", hidden: !text, text: text ?? "" });
}
