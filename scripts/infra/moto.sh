#!/usr/bin/env bash
# moto's server mode: an AWS emulator (SNS among others) for the SNS connector's tests.
# moto comes from PyPI into a virtualenv of its own: no Docker, no other download site.
#
#   scripts/infra/moto.sh start|stop|status|wait|url
#
# start: creates .local/moto/venv and installs `moto[server]` (pinned below) if missing or if
#        the pin changed, then runs `moto_server -H 127.0.0.1 -p $MOTO_PORT` in the background
#        (pid and log in .local/moto). Returns without waiting; no-op if already running.
# wait:  until the server answers its own API (GET /moto-api/data.json), or MOTO_WAIT_TIMEOUT.
# The server starts empty; its request recording (.local/moto/recording.jsonl) starts empty too.
# url:   prints the endpoint (http://127.0.0.1:$MOTO_PORT) for AWS clients (`endpoint`).
# Env: MOTO_PORT (5055), MOTO_WAIT_TIMEOUT (60 s), MOTO_STOP_TIMEOUT (10 s).
# Quiet on success; on failure says what broke and shows the server log tail.
set -euo pipefail

TUXHAT_ROOT="${TUXHAT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
STATE="$TUXHAT_ROOT/.local/moto"
VENV="$STATE/venv"
LOG="$STATE/moto.log"
PIDFILE="$STATE/moto.pid"
PORTFILE="$STATE/moto.port"
# moto's request recorder (POST /moto-api/recorder/start-recording) appends every request
# here; tests read it back to see the exact parameters a client sent (e.g. SMS attributes).
RECORDING="$STATE/recording.jsonl"

# The pin: tests read moto's internal SMS record (see libs/services/sns-connector/test), so a
# new moto version is a deliberate change, made here.
MOTO_REQUIREMENT="moto[server]==5.2.5"

MOTO_PORT="${MOTO_PORT:-5055}"
MOTO_WAIT_TIMEOUT="${MOTO_WAIT_TIMEOUT:-60}"
MOTO_STOP_TIMEOUT="${MOTO_STOP_TIMEOUT:-10}"

COMPONENT=moto
source "$TUXHAT_ROOT/scripts/infra/common.sh"
server_pid() { running_pid "$PIDFILE" "$VENV/bin/"; }

# Port of the server as last started (what a running server actually listens on).
started_port() {
  if [ -f "$PORTFILE" ]; then cat "$PORTFILE"; else echo "$MOTO_PORT"; fi
}

# Installs into a fresh venv only when the venv is missing or the pin changed. The marker file
# is written last, so an interrupted install is detected and redone from scratch.
ensure_installed() {
  if [ -x "$VENV/bin/moto_server" ] && [ -f "$VENV/.requirement" ] &&
    [ "$(cat "$VENV/.requirement")" = "$MOTO_REQUIREMENT" ]; then
    return 0
  fi
  command -v python3 >/dev/null 2>&1 || die "python3 not found (Debian: apt-get install -y python3 python3-venv)"
  log "installing $MOTO_REQUIREMENT into $VENV (first run or the pin changed)"
  rm -rf "$VENV"
  python3 -m venv "$VENV" >"$STATE/install.log" 2>&1 ||
    { cat "$STATE/install.log" >&2; die "python3 -m venv failed (Debian: apt-get install -y python3-venv)"; }
  if ! "$VENV/bin/pip" install --disable-pip-version-check -q "$MOTO_REQUIREMENT" >>"$STATE/install.log" 2>&1; then
    tail -n 30 "$STATE/install.log" >&2
    die "pip install $MOTO_REQUIREMENT failed (output above, full log in $STATE/install.log)"
  fi
  [ -x "$VENV/bin/moto_server" ] || die "pip installed moto but $VENV/bin/moto_server is missing"
  echo "$MOTO_REQUIREMENT" >"$VENV/.requirement"
}

cmd_start() {
  take_lock "$STATE/.lock" 300
  local pid port
  if pid="$(server_pid)"; then
    port="$(started_port)"
    [ "$port" = "$MOTO_PORT" ] ||
      die "moto already running (pid $pid) on port $port, but MOTO_PORT=$MOTO_PORT: run 'moto.sh stop' first"
    return 0
  fi
  rm -f "$PIDFILE"
  port_answers "$MOTO_PORT" &&
    die "port $MOTO_PORT is already in use by a process this script did not start (see: ss -ltnp 'sport = :$MOTO_PORT')"
  ensure_installed
  [ -f "$LOG" ] && mv -f "$LOG" "$LOG.1" # keep the previous run's log, never grow without bound
  echo "$MOTO_PORT" >"$PORTFILE"
  : >"$RECORDING"
  # setsid + nohup: the server outlives the calling terminal/CI step and ignores its Ctrl-C.
  # `exec` keeps the pid written by the inner shell equal to the server's pid.
  # shellcheck disable=SC2016 # $$, $0 and $@ belong to the inner bash
  MOTO_RECORDER_FILEPATH="$RECORDING" setsid nohup bash -c 'echo $$ >"$0"; exec "$@"' "$PIDFILE" \
    "$VENV/bin/python3" "$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" \
    </dev/null >"$LOG" 2>&1 9>&- & # 9>&-: the server must not inherit (and hold) the lock
  for _ in $(seq 50); do [ -s "$PIDFILE" ] && break; sleep 0.1; done
  [ -s "$PIDFILE" ] || die "moto_server did not start"
}

cmd_wait() {
  local pid port deadline
  if ! pid="$(server_pid)"; then
    [ -f "$PIDFILE" ] || die "moto is not running (start it with: scripts/infra/moto.sh start)"
    show_log_tail "$LOG" 30
    die "moto_server (pid $(cat "$PIDFILE")) has exited: see the log above"
  fi
  port="$(started_port)"
  deadline=$((SECONDS + MOTO_WAIT_TIMEOUT))
  # moto's own API answers once the server serves requests (not merely once the port is open).
  until "$VENV/bin/python3" - "$port" <<'EOF' 2>/dev/null
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/data.json", timeout=2).read()
EOF
  do
    kill -0 "$pid" 2>/dev/null || { show_log_tail "$LOG" 30; die "moto_server (pid $pid) exited while starting"; }
    if [ "$SECONDS" -ge "$deadline" ]; then
      show_log_tail "$LOG" 30
      die "moto not answering on 127.0.0.1:$port after ${MOTO_WAIT_TIMEOUT}s (log: $LOG)"
    fi
    sleep 0.2
  done
}

cmd_stop() {
  take_lock "$STATE/.lock" 300
  local pid
  pid="$(server_pid)" || { rm -f "$PIDFILE"; return 0; }
  stop_process "$pid" moto_server "$MOTO_STOP_TIMEOUT" "$PIDFILE"
}

cmd_status() {
  local pid port
  port="$(started_port)"
  if pid="$(server_pid)"; then
    if port_answers "$port"; then
      echo "moto: running (pid $pid) on 127.0.0.1:$port"
    else
      echo "moto: starting (pid $pid), port $port not answering yet"
    fi
    return 0
  fi
  echo "moto: stopped"
  return 3 # LSB "not running"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  wait) cmd_wait ;;
  url) echo "http://127.0.0.1:$(started_port)" ;;
  *) echo "usage: $0 start|stop|status|wait|url" >&2; exit 2 ;;
esac
