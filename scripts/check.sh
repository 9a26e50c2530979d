#!/usr/bin/env bash
# Static checks CI enforces: types, lint (zero warnings, module boundaries), formatting.
#   scripts/check.sh          check
#   scripts/check.sh --fix    apply lint fixes and formatting
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$TUXHAT_ROOT"
export NX_DAEMON=false NX_NO_CLOUD=true

bash scripts/db/generate.sh >/dev/null
echo "[check] types" >&2
tsc -p tsconfig.json --noEmit
# The module-boundary lint rule reads Nx's project graph; compute it first.
nx show projects >/dev/null
if [ "${1:-}" = "--fix" ]; then
  eslint --fix --max-warnings 0 .
  prettier --write --log-level warn .
else
  echo "[check] lint" >&2
  eslint --max-warnings 0 .
  echo "[check] format" >&2
  prettier --check --log-level warn .
fi
echo "[check] ok" >&2
