// Business hours (`livechat/business-hour`, `livechat/business-hours.save`): the desk's one
// default business hour, its time zone and each day's opening, and the switch
// `Livechat_enable_business_hours` that makes it count. While it counts and the desk is closed,
// agents cannot become available and the widget shows its offline form.
//
// Managers edit the hours (`view-livechat-business-hours`); the switch is a setting, read and
// changed by administrators (`view-privileged-setting` / `edit-privileged-setting`).

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { field } from "../forms.js";
import { toast } from "../toast.js";
import { check, loading, page, readOnlyNote } from "./common.js";

const ENABLE = "Livechat_enable_business_hours";
const DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/** The zones the browser knows, with `current` first when it does not (e.g. `Etc/GMT-5`). */
function zoneOptions(current) {
  const known = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : [];
  const zones = known.includes("UTC") ? known : ["UTC", ...known];
  return (current && !zones.includes(current) ? [current, ...zones] : zones).map((z) => ({ value: z, label: z }));
}

/** `"08:00"` from a stored `{time}` or a bare text. */
const timeOf = (value) => (typeof value === "string" ? value : value?.time ?? "");

export function renderBusinessHours(container, { access }) {
  const mayEdit = access.has("view-livechat-business-hours");
  const mayViewSwitch = access.has("view-privileged-setting");
  const maySwitch = access.has("edit-privileged-setting");
  const body = h("div");
  container.replaceChildren(
    page("Business hours", "When the desk is open. Outside these hours agents cannot become available and the widget offers its offline form.", body),
  );
  if (!mayEdit) {
    body.append(readOnlyNote("You may not read or change the business hours (permission view-livechat-business-hours)."));
    return;
  }
  loading(body, async () => {
    const [{ businessHour }, enabled] = await Promise.all([
      api.get("livechat/business-hour", { type: "default" }),
      mayViewSwitch ? api.get(`settings/${ENABLE}`).then((s) => s.value) : Promise.resolve(null),
    ]);
    body.replaceChildren(switchCard(enabled, maySwitch), hoursForm(businessHour ?? { workHours: [] }));
  });
}

/** The switch: on, the hours count; off, the desk is open whenever agents are available. */
function switchCard(enabled, maySwitch) {
  if (enabled === null) {
    return readOnlyNote("Whether business hours are switched on is an administrator's setting (Livechat_enable_business_hours).");
  }
  const toggle = check("Business hours are switched on (outside them the desk is closed)", { checked: enabled, disabled: !maySwitch });
  toggle.input.addEventListener("change", async () => {
    const wanted = toggle.input.checked;
    toggle.input.disabled = true;
    try {
      await api.post(`settings/${ENABLE}`, { value: wanted });
      toast(wanted ? "Business hours switched on" : "Business hours switched off");
    } catch (error) {
      toggle.input.checked = !wanted;
      toast(error.message, { error: true });
    } finally {
      toggle.input.disabled = false;
    }
  });
  return h(
    "div",
    { class: "admin-form-card" },
    toggle.row,
    maySwitch ? null : readOnlyNote("Only administrators switch business hours on or off."),
  );
}

/** The time zone and a row per day: open, from, until. */
function hoursForm(hour) {
  const zoneName = hour.timezone?.name ?? "UTC";
  const zone = field("Time zone", { tag: "select", options: zoneOptions(zoneName) });
  zone.input.value = zoneName;
  const rows = DAYS.map((day) => {
    const stored = (hour.workHours ?? []).find((w) => w.day === day) ?? { open: false, start: "08:00", finish: "20:00" };
    const open = check(day, { checked: stored.open, "aria-label": `Open on ${day}` });
    const start = h("input", { type: "time", value: timeOf(stored.start) || "08:00", "aria-label": `${day} opens at`, required: true });
    const finish = h("input", { type: "time", value: timeOf(stored.finish) || "20:00", "aria-label": `${day} closes at`, required: true });
    // A closed day's times are kept (saved as they are) but greyed out.
    const sync = () => (start.disabled = finish.disabled = !open.input.checked);
    open.input.addEventListener("change", sync);
    sync();
    const row = h(
      "div",
      { class: "day-hours-row" },
      open.row,
      h("label", { class: "time" }, h("span", { text: "from" }), start),
      h("label", { class: "time" }, h("span", { text: "until" }), finish),
    );
    return { day, open: open.input, start, finish, row };
  });
  const submit = h("button", { type: "submit", class: "primary", text: "Save business hours" });
  const form = h(
    "form",
    { class: "admin-form-card business-hours" },
    zone.row,
    h("fieldset", { class: "day-hours" }, h("legend", { text: "Open on" }), rows.map((r) => r.row)),
    h("div", { class: "row end" }, submit),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    try {
      await api.post("livechat/business-hours.save", {
        _id: hour._id,
        name: hour.name ?? "",
        active: hour.active ?? true,
        type: hour.type ?? "default",
        timezoneName: zone.input.value,
        workHours: rows.map((r) => ({ day: r.day, open: r.open.checked, start: r.start.value, finish: r.finish.value })),
      });
      toast("Business hours saved");
    } catch (error) {
      toast(error.message, { error: true });
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
