#!/usr/bin/env bash
# Fuzz pass of the tenant REST API from its OpenAPI document (schemathesis, from PyPI).
#
#   scripts/fuzz/ingress.sh setup   installs schemathesis (pinned below) into
#                                   .local/venv-schemathesis, if missing or the pin changed
#   scripts/fuzz/ingress.sh [run]   setup, then the jest integration test that boots an ingress
#                                   (real HTTP, PostgreSQL from DATABASE_URL, in-process bus) and
#                                   runs schemathesis against it: no 5xx, every answer as
#                                   documented. About 1-2 minutes.
#
# Needs DATABASE_URL (eval "$(scripts/infra/up.sh)"). Tuning: FUZZ_MAX_TIME (seconds, 90),
# FUZZ_MAX_EXAMPLES (per operation, 150), FUZZ_SEED (fixed, so runs are reproducible).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../env.sh"
cd "$TUXHAT_ROOT"

VENV="$TUXHAT_ROOT/.local/venv-schemathesis"
# The pin: a new schemathesis may generate new cases (and find new things); upgrade on purpose.
REQUIREMENT="schemathesis==4.32.5"

log() { echo "[fuzz] $*" >&2; }

setup() {
  if [ -x "$VENV/bin/schemathesis" ] && [ -f "$VENV/.requirement" ] &&
    [ "$(cat "$VENV/.requirement")" = "$REQUIREMENT" ]; then
    return 0
  fi
  command -v python3 >/dev/null 2>&1 || { log "python3 not found"; exit 1; }
  log "installing $REQUIREMENT into $VENV"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "$REQUIREMENT"
  # Written last: an interrupted install is redone from scratch next time.
  echo "$REQUIREMENT" >"$VENV/.requirement"
}

case "${1:-run}" in
  setup)
    setup
    ;;
  run)
    setup
    : "${DATABASE_URL:?DATABASE_URL is not set: eval \"\$(scripts/infra/up.sh)\" first}"
    SCHEMATHESIS="$VENV/bin/schemathesis" \
      NODE_OPTIONS="--experimental-vm-modules --disable-warning=ExperimentalWarning --disable-warning=TimeoutNegativeWarning" \
      jest --selectProjects integration --testPathPatterns 'libs/services/ingress/test/openapi-fuzz'
    ;;
  *)
    echo "usage: $0 [setup|run]" >&2
    exit 2
    ;;
esac
