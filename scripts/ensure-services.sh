#!/usr/bin/env bash
# Makes sure the PostgreSQL (127.0.0.1:5432, user postgres, no password) and Redis (127.0.0.1:6379)
# the tests use are answering, started the way this machine kind starts them. The one place that
# knows how; `npm test` and .ci/run both call it. A service that already answers is left alone:
# never stopped, restarted or reconfigured.
#
#   ensure-services.sh            start what is installed but stopped; warn about the rest and
#                                 exit 0 (npm test then skips those tiers, or fails them when CI=true)
#   ensure-services.sh --install  also install what is missing from Debian's packages and let local
#                                 TCP connections in without a password; exit 1 unless both answer
set -uo pipefail

install=false
case "${1:-}" in
  --install) install=true ;;
  "") ;;
  *) echo "usage: $0 [--install]" >&2; exit 2 ;;
esac

log() { echo "ensure-services: $*"; }
warn() { echo "ensure-services: $*" >&2; }

# Probes through bash's /dev/tcp: they need no client tools, which a fresh machine lacks.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pg_up() {
  port_open 5432 || return 1
  if command -v pg_isready >/dev/null 2>&1; then pg_isready -h 127.0.0.1 -p 5432 -q; fi
}
redis_up() {
  local reply
  reply="$( (exec 3<>/dev/tcp/127.0.0.1/6379 && printf 'PING\r\n' >&3 && read -r -t 2 line <&3 && printf '%s' "$line") 2>/dev/null)"
  [[ "$reply" == "+PONG"* ]]
}
wait_for() { # wait_for <check> <tries> <seconds between>
  local i
  for ((i = 0; i < $2; i++)); do "$1" && return 0; sleep "$3"; done
  "$1"
}

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else warn "needs root for: $*"; return 1
  fi
}

apt_updated=false
apt_install() {
  if ! command -v apt-get >/dev/null 2>&1; then warn "no apt-get here: install $* yourself"; return 1; fi
  log "installing $* from Debian's packages"
  if ! $apt_updated; then as_root apt-get update || return 1; apt_updated=true; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@"
}

# The cluster on port 5432 (else the first one), as "<version> <name>", from Debian's cluster tools.
pg_cluster() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 1
  pg_lsclusters --no-header 2>/dev/null | awk '$3 == 5432 { print $1, $2; found = 1; exit } NR == 1 { first = $1 " " $2 } END { if (!found && first) print first }'
}

# Lets local TCP connections in without a password, as the tests connect. Only for a cluster this
# script installed: someone else's PostgreSQL keeps the rules its owner gave it.
pg_trust_local_tcp() {
  local hba="/etc/postgresql/$1/$2/pg_hba.conf" marker="# brandbase: local TCP without a password (scripts/ensure-services.sh)"
  [ -f "$hba" ] || { warn "no $hba"; return 1; }
  grep -qF "$marker" "$hba" && return 0
  log "letting local TCP connections into PostgreSQL $1/$2 without a password"
  # First match wins in pg_hba.conf, so the lines go on top.
  as_root sh -c "{ printf '%s\n' '$marker' 'host all all 127.0.0.1/32 trust' 'host all all ::1/128 trust' ''; cat '$hba'; } > '$hba.new' && chown --reference='$hba' '$hba.new' && chmod --reference='$hba' '$hba.new' && mv '$hba.new' '$hba'"
}

ensure_postgres() {
  if pg_up; then log "PostgreSQL is up (left as it is)"; return 0; fi
  local cluster installed_now=false
  cluster="$(pg_cluster)"
  if [ -z "$cluster" ] && $install; then
    if ! command -v pg_lsclusters >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
      apt_install postgresql || return 1
    fi
    cluster="$(pg_cluster)"
    if [ -z "$cluster" ]; then # server installed without a cluster (dropped, or the package was told not to)
      local version
      version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
      log "creating PostgreSQL cluster $version/main"
      as_root pg_createcluster "$version" main || return 1
      cluster="$(pg_cluster)"
    fi
    installed_now=true
  fi
  if [ -z "$cluster" ]; then
    warn "PostgreSQL is not installed (scripts/ensure-services.sh --install installs it from Debian's packages)"
    return 1
  fi
  set -- $cluster
  if $installed_now; then pg_trust_local_tcp "$1" "$2" || return 1; fi
  if pg_ctlcluster "$1" "$2" status >/dev/null 2>&1; then
    # Running but not on 127.0.0.1:5432 yet (started by the package on a systemd machine): reload our rules.
    $installed_now && as_root pg_ctlcluster --skip-systemctl-redirect "$1" "$2" reload
  else
    log "starting PostgreSQL $1/$2"
    as_root pg_ctlcluster --skip-systemctl-redirect "$1" "$2" start || return 1
  fi
  wait_for pg_up 60 0.5 || { warn "PostgreSQL $1/$2 did not answer on 127.0.0.1:5432"; return 1; }
  log "PostgreSQL $1/$2 is up"
}

ensure_redis() {
  if redis_up; then log "Redis is up (left as it is)"; return 0; fi
  if ! command -v redis-server >/dev/null 2>&1; then
    if ! $install; then
      warn "Redis is not installed (scripts/ensure-services.sh --install installs it from Debian's packages)"
      return 1
    fi
    apt_install redis-server || return 1
    # On a systemd machine the package starts its own; it answers by now.
    redis_up && { log "Redis is up"; return 0; }
  fi
  log "starting Redis"
  # Nothing on disk: a test run's data is disposable.
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no || return 1
  wait_for redis_up 50 0.2 || { warn "Redis did not answer on 127.0.0.1:6379"; return 1; }
  log "Redis is up"
}

# The tests connect as postgres without a password: say so plainly when that is refused.
check_postgres_login() {
  command -v psql >/dev/null 2>&1 || return 0
  local out
  if ! out="$(psql -w -h 127.0.0.1 -p 5432 -U postgres -d postgres -Atc 'select 1' 2>&1)"; then
    warn "PostgreSQL answers but refuses user postgres without a password: ${out//$'\n'/ }"
    warn "the tests need local TCP trust for it, e.g. 'host all all 127.0.0.1/32 trust' at the top of pg_hba.conf"
    return 1
  fi
}

failed=0
if ensure_postgres; then check_postgres_login || failed=1; else failed=1; fi
ensure_redis || failed=1

if [ "$failed" != 0 ]; then
  warn "PostgreSQL on 127.0.0.1:5432 or Redis on 127.0.0.1:6379 is not usable (see above)"
  $install && exit 1
fi
exit 0
