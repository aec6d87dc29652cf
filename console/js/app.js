// The console's entry: first-run set-up, log-in, or the desk, depending on what the server
// and the stored login say.

import * as api from "./api.js";
import { renderSetup } from "./views/setup.js";
import { renderLogin } from "./views/login.js";
import { startDesk } from "./views/shell.js";

const root = document.getElementById("app");
let stopDesk = null;

async function boot() {
  stopDesk?.();
  stopDesk = null;
  const setup = await api.get("setup").catch(() => null);
  if (setup?.setupNeeded) {
    renderSetup(root, { codeRequired: setup.codeRequired, onDone: boot });
    return;
  }
  if (api.session.token) {
    try {
      const me = await api.get("me");
      stopDesk = startDesk(root, me, { onLogout: logout });
      return;
    } catch (error) {
      if (error.status !== 401) {
        renderLogin(root, { onDone: boot, error: error.message });
        return;
      }
      api.session.clear();
    }
  }
  renderLogin(root, { onDone: boot });
}

async function logout() {
  await api.post("logout").catch(() => {});
  api.session.clear();
  boot();
}

api.whenLoggedOut(() => {
  api.session.clear();
  boot();
});

boot();
