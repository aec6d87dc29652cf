// Outbox: mail (and webhooks) waiting, sent or given up (`GET livechat/outbox`, managers),
// with the last error of each; a failed one can be queued again (`POST
// livechat/outbox/:id/retry`).

import * as api from "../../api.js";
import { h } from "../../dom.js";
import { field } from "../forms.js";
import { busy, loading, page, table } from "./common.js";

const STATES = [
  { value: "", label: "All" },
  { value: "pending", label: "Waiting" },
  { value: "failed", label: "Failed" },
  { value: "sent", label: "Sent" },
];

export function renderOutbox(container) {
  const counts = h("p", { class: "outbox-counts", role: "status" });
  const state = field("Show", { tag: "select", options: STATES });
  const refresh = h("button", { type: "button", text: "Refresh" });
  const list = h("div");
  container.replaceChildren(
    page(
      "Outbox",
      "Mail and webhooks leaving the server. Waiting ones are retried by themselves (mail for a day); failed ones were given up and can be retried once the cause is fixed.",
      h("div", { class: "row outbox-filters" }, state.row, refresh),
      counts,
      list,
    ),
  );
  const load = () =>
    loading(list, async () => {
      const answer = await api.get("livechat/outbox", { state: state.input.value || undefined, count: 100 });
      counts.textContent = `${answer.pending} waiting · ${answer.failed} failed · ${answer.sent} sent`;
      if (answer.deliveries.length === 0) {
        list.replaceChildren(h("p", { class: "muted", text: "Nothing here." }));
        return;
      }
      const rows = answer.deliveries.map((d) => [
        d.summary,
        d.kind,
        d.state,
        String(d.attempts),
        d.lastError ? h("span", { class: "error-text", text: d.lastError }) : "",
        d.state === "pending" && d.nextAttemptAt ? new Date(d.nextAttemptAt).toLocaleString() : "",
        d.state === "failed"
          ? h("button", {
              type: "button",
              text: "Retry",
              "aria-label": `Retry: ${d.summary}`,
              onclick: (e) => busy(e.currentTarget, () => api.post(`livechat/outbox/${d._id}/retry`), "Queued again").then(load),
            })
          : "",
      ]);
      list.replaceChildren(
        table("Deliveries", ["What", "Kind", "State", "Attempts", "Last error", "Next attempt", "Action"], rows),
      );
    });
  state.input.addEventListener("change", load);
  refresh.addEventListener("click", load);
  load();
}
