# shellcheck shell=bash
# Sourced by the scripts in scripts/infra: the helpers every local service script needs.
# The caller sets COMPONENT (log prefix) first; the other names are per function below.

log() { echo "[$COMPONENT] $*" >&2; }
die() { echo "[$COMPONENT] ERROR: $*" >&2; exit 1; }

# show_log_tail FILE LINES: the end of a server's log after it failed, between markers.
show_log_tail() {
  local file="$1" lines="$2"
  if [ -n "$file" ] && [ -f "$file" ]; then
    echo "[$COMPONENT] ---- last $lines lines of $file ----" >&2
    tail -n "$lines" "$file" >&2
    echo "[$COMPONENT] ---- end of log ----" >&2
  fi
}

# take_lock LOCKFILE SECONDS: serialises start/stop/install so that parallel callers (CI steps,
# up.sh twice) cannot start two servers on one state directory. Held until the script exits.
take_lock() {
  local file="$1" seconds="$2"
  mkdir -p "$(dirname "$file")"
  exec 9>"$file"
  flock -w "$seconds" 9 || die "another $(basename "$0") is holding $file for more than $seconds s"
}

port_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# running_pid PIDFILE CMDLINE_MARK: the pid in PIDFILE if that process is alive and its command
# line contains CMDLINE_MARK. The pid file alone is not trusted: after a reboot the pid may
# belong to something else.
running_pid() {
  local pidfile="$1" mark="$2" pid
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "$mark" || return 1
  echo "$pid"
}

# stop_process PID NAME SECONDS PIDFILE: SIGTERM, up to SECONDS for it to exit, then SIGKILL;
# the pid file goes either way.
stop_process() {
  local pid="$1" name="$2" seconds="$3" pidfile="$4"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq $((seconds * 10))); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; return 0; }
    sleep 0.1
  done
  log "$name (pid $pid) ignored SIGTERM for ${seconds}s: sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -f "$pidfile"
}
