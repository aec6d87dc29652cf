#!/usr/bin/env bash
# End-to-end tests of the agent console in headless Chromium (playwright-core), with the
# official widget (@rocket.chat/livechat 1.13.3) as the visitor and axe-core for accessibility.
# Installs what it needs into compat-clients/e2e/ (git-ignored); never skips a test.
# Usage: e2e/run.sh [path/to/livechat]   (default target/debug/livechat)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
binary="${1:-$root/target/debug/livechat}"
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
[ -x "$binary" ] || { echo "no server binary at $binary (run cargo build first)" >&2; exit 1; }
modules_dir="$root/compat-clients/e2e"

if [ ! -x /usr/bin/chromium ]; then
    apt-get update && apt-get install -y chromium
fi
if [ ! -f "$modules_dir/node_modules/@rocket.chat/livechat/build/index.html" ] ||
    [ ! -d "$modules_dir/node_modules/playwright-core" ] || [ ! -d "$modules_dir/node_modules/axe-core" ]; then
    echo "== installing playwright-core, axe-core and the widget into $modules_dir"
    mkdir -p "$modules_dir"
    (cd "$modules_dir" && { [ -f package.json ] || npm init -y >/dev/null; } &&
        npm install --no-audit --no-fund playwright-core@1.65.1 axe-core@4 @rocket.chat/livechat@1.13.3)
fi

echo "== console end-to-end tests against $binary"
export LIVECHAT_BINARY="$binary"
export LIVECHAT_WIDGET_DIR="$modules_dir/node_modules/@rocket.chat/livechat/build"
export NODE_PATH="$modules_dir/node_modules"
# Two test files at a time: each runs a server and a browser, and the machine has two cores.
exec node --test --test-concurrency=2 "$root"/e2e/tests/*.test.js
