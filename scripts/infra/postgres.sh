#!/usr/bin/env bash
# PostgreSQL for development, tests and CI, from Debian's packages and cluster tooling.
#
#   scripts/infra/postgres.sh start|stop|status|wait|url [database]
#
# start: installs the `postgresql` package if no server exists (needs root), creates the
#        cluster <newest version>/main if there is none, starts it and ensures the role
#        tuxhat/tuxhat and the databases tuxhat and tuxhat_test (owned by tuxhat).
# Env: PGPORT_TUXHAT (5432; only used when the cluster is created; an existing cluster keeps
#      its port, and `url` prints it), PG_WAIT_TIMEOUT (30 s), PG_CLUSTER_TUXHAT (main).
# Quiet on success; on failure says what broke and shows the server log tail.
set -euo pipefail

TUXHAT_ROOT="${TUXHAT_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
PGPORT_TUXHAT_DEFAULT=5432
PG_WAIT_TIMEOUT="${PG_WAIT_TIMEOUT:-30}"
# Another name gives an isolated cluster (e.g. to test this script on a shared machine).
CLUSTER="${PG_CLUSTER_TUXHAT:-main}"
DB_USER=tuxhat
DB_PASSWORD=tuxhat
DATABASES=(tuxhat tuxhat_test)

COMPONENT=postgres
source "$TUXHAT_ROOT/scripts/infra/common.sh"

require_root() {
  [ "$(id -u)" = 0 ] || die "'$1' needs root (Debian's cluster tooling runs the server as user postgres): sudo $0 $1"
}

server_installed() { compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; }

# One line "<version> <port> <status> <logfile>" for the newest cluster named main, or nothing.
cluster_info() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 0
  pg_lsclusters --no-header 2>/dev/null | awk -v c="$CLUSTER" '$2 == c { print $1, $3, $4, $7 }' | sort -V | tail -n 1
}
cluster_version() { cluster_info | cut -d' ' -f1; }
cluster_port() { cluster_info | cut -d' ' -f2; }
cluster_online() { cluster_info | cut -d' ' -f3 | grep -q '^online'; }
cluster_log() { cluster_info | cut -d' ' -f4; }

show_cluster_log() { show_log_tail "$(cluster_log)" 20; }

# Runs a command with its output captured; prints that output only if the command fails.
quietly() {
  local out rc=0
  out="$(mktemp)"
  "$@" >"$out" 2>&1 || rc=$?
  [ "$rc" = 0 ] || cat "$out" >&2
  rm -f "$out"
  return "$rc"
}

ensure_installed() {
  server_installed && return 0
  log "no PostgreSQL server under /usr/lib/postgresql: installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  quietly apt-get update || die "apt-get update failed (output above)"
  quietly apt-get install -y postgresql || die "apt-get install -y postgresql failed (output above)"
  server_installed || die "apt-get installed postgresql but no /usr/lib/postgresql/*/bin/postgres exists"
}

# The package's postinst normally creates <ver>/main; a machine may still have none
# (create_main_cluster = false, or it was dropped).
ensure_cluster() {
  [ -n "$(cluster_info)" ] && return 0
  local version
  version="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -V | tail -n 1)"
  log "creating cluster $version/$CLUSTER on port ${PGPORT_TUXHAT:-$PGPORT_TUXHAT_DEFAULT}"
  # C.UTF-8 exists on every Debian and sorts the same everywhere: no locale-dependent tests.
  quietly pg_createcluster --port "${PGPORT_TUXHAT:-$PGPORT_TUXHAT_DEFAULT}" \
    --locale C.UTF-8 --encoding UTF8 "$version" "$CLUSTER" ||
    die "pg_createcluster $version $CLUSTER failed (output above)"
}

# Settings live in a conf.d drop-in (Debian's postgresql.conf includes conf.d), so the
# packaged postgresql.conf stays untouched. Returns 0 when the file changed.
write_settings() {
  local file new
  file="/etc/postgresql/$(cluster_version)/$CLUSTER/conf.d/tuxhat.conf"
  new="$(cat <<'EOF'
# Managed by TuxHat scripts/infra/postgres.sh: edit the script, not this file.
# Loopback only; 'localhost' covers 127.0.0.1 and ::1 so that URLs naming localhost work
# whichever address the client's resolver returns first.
listen_addresses = 'localhost'
# Parallel jest workers each open a connection pool.
max_connections = 200
# Durability matters even in tests (the gateway must not lose an accepted SMS): keep it on.
synchronous_commit = on
EOF
)"
  [ -f "$file" ] && [ "$(cat "$file")" = "$new" ] && return 1
  mkdir -p "$(dirname "$file")"
  printf '%s\n' "$new" >"$file"
  grep -Eq "^[[:space:]]*include_dir[[:space:]]*=?[[:space:]]*'conf.d'" "$(dirname "$(dirname "$file")")/postgresql.conf" ||
    log "WARNING: postgresql.conf has no include_dir = 'conf.d': $file is not read"
  return 0
}

psql_as_postgres() {
  # cd /: user postgres cannot read root's working directory and psql would warn about it.
  (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$(cluster_port)" "$@")
}

# Idempotent: the role's password is reset on every start, databases are created if missing.
ensure_role_and_databases() {
  local sql db
  sql="DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN CREATE ROLE $DB_USER; END IF;
END \$\$;
-- CREATEDB: test suites may create one database per worker.
ALTER ROLE $DB_USER WITH LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
-- pg_checkpoint (PostgreSQL 15+): bench/retention writes its seeded rows out before it measures.
DO \$\$ BEGIN
  IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'pg_checkpoint') THEN GRANT pg_checkpoint TO $DB_USER; END IF;
END \$\$;
"
  for db in "${DATABASES[@]}"; do
    sql+="SELECT 'CREATE DATABASE $db OWNER $DB_USER ENCODING ''UTF8'' LOCALE ''C.UTF-8'' TEMPLATE template0'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$db') \\gexec
ALTER DATABASE $db OWNER TO $DB_USER;
"
  done
  quietly psql_as_postgres -d postgres <<<"$sql" || die "creating role $DB_USER / databases failed (output above)"
}

cmd_start() {
  require_root start
  ensure_installed
  ensure_cluster
  local version port changed=0
  version="$(cluster_version)"
  port="$(cluster_port)"
  if [ -n "${PGPORT_TUXHAT:-}" ] && [ "$PGPORT_TUXHAT" != "$port" ]; then
    log "note: cluster $version/$CLUSTER listens on port $port, not PGPORT_TUXHAT=$PGPORT_TUXHAT; using $port"
  fi
  write_settings && changed=1
  if cluster_online; then
    if [ "$changed" = 1 ]; then
      quietly pg_ctlcluster "$version" "$CLUSTER" restart || { show_cluster_log; die "restart of $version/$CLUSTER failed"; }
    fi
  else
    quietly pg_ctlcluster "$version" "$CLUSTER" start || { show_cluster_log; die "pg_ctlcluster $version $CLUSTER start failed"; }
  fi
  cmd_wait
  ensure_role_and_databases
}

cmd_wait() {
  local version port deadline
  version="$(cluster_version)"
  [ -n "$version" ] || die "no PostgreSQL cluster (run: scripts/infra/postgres.sh start)"
  port="$(cluster_port)"
  deadline=$((SECONDS + PG_WAIT_TIMEOUT))
  until "/usr/lib/postgresql/$version/bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 2; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      show_cluster_log
      die "PostgreSQL $version/$CLUSTER not accepting connections on 127.0.0.1:$port after ${PG_WAIT_TIMEOUT}s"
    fi
    sleep 0.5
  done
}

cmd_stop() {
  server_installed && [ -n "$(cluster_info)" ] && cluster_online || return 0
  require_root stop
  quietly pg_ctlcluster "$(cluster_version)" "$CLUSTER" stop || { show_cluster_log; die "pg_ctlcluster stop failed"; }
}

cmd_status() {
  local info version port status
  info="$(cluster_info)"
  if [ -z "$info" ]; then
    echo "postgres: no cluster"
    return 3
  fi
  read -r version port status _ <<<"$info"
  echo "postgres: cluster $version/$CLUSTER $status on 127.0.0.1:$port"
  [[ "$status" == online* ]] || return 3 # LSB "not running"
}

# Prints the connection URL; the port is the cluster's real one.
cmd_url() {
  local port
  port="$(cluster_port)"
  echo "postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:${port:-${PGPORT_TUXHAT:-$PGPORT_TUXHAT_DEFAULT}}/${1:-tuxhat}"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  wait) cmd_wait ;;
  url) cmd_url "${2:-}" ;;
  *) echo "usage: $0 start|stop|status|wait|url [database]" >&2; exit 2 ;;
esac
