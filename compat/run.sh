#!/usr/bin/env bash
# Runs the real Rocket.Chat client libraries against the built server binary.
# Installs them into compat-clients/ (git-ignored). Usage: compat/run.sh [path/to/livechat]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${1:-$root/target/debug/livechat}"
clients="$root/compat-clients"
mkdir -p "$clients/node"

echo "== installing the client libraries into $clients"
if [ ! -d "$clients/node/node_modules/@rocket.chat/sdk" ]; then
    (cd "$clients/node" && { [ -f package.json ] || npm init -y >/dev/null; } &&
        npm install --no-audit --no-fund @rocket.chat/sdk@1.0.0-alpha.42)
fi
if [ ! -x "$clients/venv/bin/python" ]; then
    python3 -m venv "$clients/venv"
fi
"$clients/venv/bin/pip" install --quiet rocketchat-api==3.7.1

# --- the official widget in headless Chromium (compat/widget.test.js) ---
if [ ! -x /usr/bin/chromium ]; then
    apt-get update && apt-get install -y chromium
fi
widget_modules="$clients/widget/node_modules"
if [ ! -f "$widget_modules/@rocket.chat/livechat/build/index.html" ] || [ ! -d "$widget_modules/playwright-core" ]; then
    mkdir -p "$clients/widget"
    (cd "$clients/widget" && { [ -f package.json ] || npm init -y >/dev/null; } &&
        npm install --no-audit --no-fund @rocket.chat/livechat@1.13.3 playwright-core@1.65.1)
fi
# --- end widget ---

workdir="$(mktemp -d)"
cat > "$workdir/livechat.toml" <<'TOML'
[[custom_fields]]
id = "address"
label = "Address"
scope = "visitor"
TOML
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export ADMIN_USER=compat-admin ADMIN_PASSWORD="compat-$RANDOM-$RANDOM"
LIVECHAT_ADMIN_USERNAME="$ADMIN_USER" LIVECHAT_ADMIN_PASSWORD="$ADMIN_PASSWORD" \
    "$binary" --config "$workdir/livechat.toml" --bind "127.0.0.1:$port" --data-dir "$workdir/data" \
    --rate-limit-per-minute 0 --login-per-minute 0 \
    --widget-dir "$widget_modules/@rocket.chat/livechat/build" > "$workdir/server.log" 2>&1 &
server_pid=$!
trap 'status=$?; kill $server_pid 2>/dev/null || true
      [ $status -eq 0 ] || { echo "== server log"; tail -n 40 "$workdir/server.log"; }
      rm -rf "$workdir"' EXIT
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/api/info" >/dev/null && break
    sleep 0.1
done
export SERVER_URL="http://127.0.0.1:$port"

echo "== @rocket.chat/sdk (the widget's transport) against $SERVER_URL"
NODE_PATH="$clients/node/node_modules" node --test "$root/compat/sdk-visitor-rest.test.js"

echo "== rocketchat-api (PyPI) against $SERVER_URL"
"$clients/venv/bin/python" "$root/compat/rocketchat_api_visitor.py"
"$clients/venv/bin/python" "$root/compat/rocketchat_api_agent.py"

# ---- realtime clients: the SDK visitor over DDP, rocketchat-async as an agent ----
# `ws` (the agent's raw DDP socket in the SDK test) is also a dependency of the SDK; it is
# installed by name so the test does not rely on how npm hoists it.
if ! (cd "$clients/node" && node -e 'process.exit(require("./package.json").dependencies?.ws ? 0 : 1)'); then
    (cd "$clients/node" && npm install --no-audit --no-fund ws@8.18.0)
fi
"$clients/venv/bin/pip" install --quiet rocketchat-async==4.3.0

echo "== @rocket.chat/sdk visitor over DDP with a DDP agent, against $SERVER_URL"
NODE_PATH="$clients/node/node_modules" node --test "$root/compat/sdk-visitor-realtime.test.js"

echo "== rocketchat-async (PyPI) as the agent, against $SERVER_URL"
"$clients/venv/bin/python" "$root/compat/rocketchat_async_agent.py"
echo "== the official widget (@rocket.chat/livechat 1.13.3) in headless Chromium against $SERVER_URL/livechat"
NODE_PATH="$widget_modules" node --test "$root/compat/widget.test.js"
