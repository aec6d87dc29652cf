// Building the page. Everything that comes from the server or a visitor goes in as text
// (`textContent`, attribute values), never as HTML: there is no innerHTML in this console.

/**
 * Creates an element. `props`: `class`, `text`, `on<event>` handlers, `dataset`, boolean or
 * string attributes (`hidden`, `aria-*`, `type`...); children are nodes or strings (as text).
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "value") el.value = value;
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces every child of `el`. */
export function replaceChildren(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

/** `ms` ago as "now", "5 s", "3 min", "2 h", "4 d". */
export function sinceText(date, now = Date.now()) {
  if (!date) return "";
  const seconds = Math.max(0, Math.round((now - new Date(date).getTime()) / 1000));
  if (seconds < 5) return "now";
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86400)} d`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  dateStyle: "medium",
  timeStyle: "short",
});

/** A message time: the clock today, date and clock before. */
export function timeText(date) {
  if (!date) return "";
  const d = new Date(date);
  const today = new Date();
  return d.toDateString() === today.toDateString() ? timeFormat.format(d) : dateTimeFormat.format(d);
}

export function dateTimeText(date) {
  return date ? dateTimeFormat.format(new Date(date)) : "";
}

/** EJSON dates (`{$date: ms}`) and ISO strings alike, as a Date; `undefined` for nothing. */
export function toDate(value) {
  if (!value) return undefined;
  if (typeof value === "object" && "$date" in value) return new Date(value.$date);
  return new Date(value);
}
