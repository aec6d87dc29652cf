#!/usr/bin/env bash
# The console's browser benchmark: installs playwright-core (git-ignored, beside the test
# clients) and runs bench/browser/console-bench.js against a built binary.
# Usage: bench/browser/run.sh [path/to/livechat]   (default: target/release/livechat)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
binary="${1:-$root/target/release/livechat}"
modules="$root/compat-clients/bench-browser"
if [ ! -x /usr/bin/chromium ]; then
    apt-get update && apt-get install -y chromium
fi
if [ ! -d "$modules/node_modules/playwright-core" ]; then
    mkdir -p "$modules"
    (cd "$modules" && { [ -f package.json ] || npm init -y >/dev/null; } &&
        npm install --no-audit --no-fund playwright-core@1.65.1)
fi
NODE_PATH="$modules/node_modules" node "$root/bench/browser/console-bench.js" "$binary"
