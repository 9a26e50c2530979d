#!/usr/bin/env bash
# wrk, the HTTP load generator of the benchmarks' saturation rows (bench/lib/wrk.ts drives it).
#   scripts/bench/wrk.sh install   installs it from the distribution when it is missing, then checks it
#   scripts/bench/wrk.sh check     fails unless a wrk with Lua scripting (4.x) is on PATH
# wrk 4 is the first with the Lua `response` and `done` hooks the harness counts 2xx answers with.
set -euo pipefail

check() {
  if ! command -v wrk >/dev/null 2>&1; then
    echo "[wrk] not installed: run scripts/bench/wrk.sh install (apt-get install wrk)" >&2
    return 1
  fi
  # `wrk --version` prints its banner and usage, and exits 1.
  local banner
  banner="$(wrk --version 2>&1 | head -n 1 || true)"
  if ! [[ "$banner" =~ wrk[[:space:]]([a-z]+/)?4\.[0-9]+ ]]; then
    echo "[wrk] need wrk 4.x, found: ${banner:-nothing}" >&2
    return 1
  fi
  echo "[wrk] ${banner}" >&2
}

install() {
  if ! command -v wrk >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends wrk >&2 ||
      { apt-get update >&2 && apt-get install -y --no-install-recommends wrk >&2; }
  fi
  check
}

case "${1:-}" in
  install) install ;;
  check) check ;;
  *)
    echo "usage: scripts/bench/wrk.sh install|check" >&2
    exit 2
    ;;
esac
