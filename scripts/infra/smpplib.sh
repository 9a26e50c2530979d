#!/usr/bin/env bash
# python smpplib (PyPI): an SMPP implementation not written here, for the SMPP connector's
# interoperability tests (libs/services/smpp-connector/test/interop). It lives in a virtualenv
# of its own, from PyPI only.
#
#   scripts/infra/smpplib.sh install|python
#
# install: creates .local/venv-smpplib with `smpplib` (pinned below) if it is missing or the pin
#          changed. Quiet on success; on failure shows the pip log tail.
# python:  installs if needed, then prints the venv's python3 path (what the tests run); the
#          tests find it through SMPPLIB_PYTHON or this default path.
set -euo pipefail

TUXHAT_ROOT="${TUXHAT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
VENV="$TUXHAT_ROOT/.local/venv-smpplib"
# The pin: the interop harness uses smpplib's PDU classes directly, so a new version is a
# deliberate change, made here.
SMPPLIB_REQUIREMENT="smpplib==2.2.4"

COMPONENT=smpplib
source "$TUXHAT_ROOT/scripts/infra/common.sh"

# The marker file is written last, so an interrupted install is detected and redone.
ensure_installed() {
  if [ -x "$VENV/bin/python3" ] && [ -f "$VENV/.requirement" ] &&
    [ "$(cat "$VENV/.requirement")" = "$SMPPLIB_REQUIREMENT" ]; then
    return 0
  fi
  take_lock "$TUXHAT_ROOT/.local/.venv-smpplib.lock" 300
  if [ -f "$VENV/.requirement" ] && [ "$(cat "$VENV/.requirement")" = "$SMPPLIB_REQUIREMENT" ]; then
    return 0 # installed by the caller that held the lock before us
  fi
  command -v python3 >/dev/null 2>&1 || die "python3 not found (Debian: apt-get install -y python3 python3-venv)"
  log "installing $SMPPLIB_REQUIREMENT into $VENV"
  rm -rf "$VENV"
  local install_log="$TUXHAT_ROOT/.local/venv-smpplib.install.log"
  python3 -m venv "$VENV" >"$install_log" 2>&1 ||
    { cat "$install_log" >&2; die "python3 -m venv failed (Debian: apt-get install -y python3-venv)"; }
  if ! "$VENV/bin/pip" install --disable-pip-version-check -q "$SMPPLIB_REQUIREMENT" >>"$install_log" 2>&1; then
    tail -n 30 "$install_log" >&2
    die "pip install $SMPPLIB_REQUIREMENT failed (full log in $install_log)"
  fi
  "$VENV/bin/python3" -c 'import smpplib.command, smpplib.consts, smpplib.gsm' ||
    die "smpplib installed but does not import"
  echo "$SMPPLIB_REQUIREMENT" >"$VENV/.requirement"
}

case "${1:-}" in
  install) ensure_installed ;;
  python)
    ensure_installed
    echo "$VENV/bin/python3"
    ;;
  *)
    echo "usage: $0 install|python" >&2
    exit 2
    ;;
esac
