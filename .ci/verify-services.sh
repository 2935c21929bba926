#!/usr/bin/env bash
# Proves scripts/ensure-services.sh on a fresh Debian without touching this machine's services:
# a debootstrap'd bookworm (with this machine kind's policy-rc.d) run in network, mount and PID
# namespaces of its own, so 5432 and 6379 are free there whatever the host runs, and everything
# started inside dies with the namespace. apt inside reads a file mirror of the real Debian packages
# (postgresql, redis-server and their dependencies), downloaded here first: the namespace has only
# loopback. Not part of CI (needs root, debootstrap, dpkg-dev, Debian's mirror, ~2 min, ~600 MB).
#
#   bash .ci/verify-services.sh [work dir, default /tmp/brandbase-verify-services]
# Branches checked, in order: missing (npm test mode warns; --install without a package source
# fails) → install and configure → the project's integration tests pass against them → installed
# but stopped → start (no install) → running → left alone → running but refusing password-less
# login → a clear failure, nothing changed.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="${1:-/tmp/brandbase-verify-services}"
root="$work/root"

if [ "${VERIFY_INSIDE:-}" != 1 ]; then
  [ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
  # The Node binary the tests run with, mounted into the chroot at /opt/node/bin.
  node_dir="$(dirname "$(readlink -f "$(bash "$repo/scripts/ensure-node.sh")/node")")"
  if [ ! -d "$work/fresh" ]; then
    rm -rf "$root" && mkdir -p "$work"
    debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    echo 'deb http://deb.debian.org/debian bookworm main' > "$root/etc/apt/sources.list"
    chroot "$root" apt-get update -q
    chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get install --download-only -y -q postgresql redis-server
    mkdir -p "$root/srv/mirror" && mv "$root"/var/cache/apt/archives/*.deb "$root/srv/mirror/"
    (cd "$root/srv/mirror" && dpkg-scanpackages -m . /dev/null | gzip -9 > Packages.gz)
    echo 'deb [trusted=yes] file:/srv/mirror ./' > "$root/etc/apt/sources.list"
    rm -rf "$root"/var/lib/apt/lists/* && chroot "$root" apt-get clean
    # This machine kind's: packages install their services without starting them.
    printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d" && chmod +x "$root/usr/sbin/policy-rc.d"
    mv "$root" "$work/fresh"
  fi
  rm -rf "$root" && cp -a "$work/fresh" "$root"
  mkdir -p "$root$repo" "$root/opt/node/bin"
  exec unshare --net --mount --pid --fork --mount-proc="$root/proc" bash -c '
    set -e
    ip link set lo up
    mount --bind "$1" "$3$1"
    mount --bind "$2" "$3/opt/node/bin"
    mount -t tmpfs tmpfs "$3/dev/shm"
    exec chroot "$3" env -i PATH=/opt/node/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root VERIFY_INSIDE=1 bash "$1/.ci/verify-services.sh"
  ' verify "$repo" "$node_dir" "$root"
fi

# ── inside the chroot, in namespaces of its own ──
cd "$repo"
passed=0 failed=0
check() { # check <description> <command…>
  local what="$1"; shift
  if "$@"; then echo "  ✓ $what"; passed=$((passed + 1)); else echo "  ✗ $what"; failed=$((failed + 1)); fi
}
ensure() { # ensure <args…>: runs the script, keeps its output in $out and exit code in $rc
  set +e; out="$(bash scripts/ensure-services.sh "$@" 2>&1)"; rc=$?; set -e
  sed 's/^/    │ /' <<<"$out" | grep -v -e '^    │ \(Get\|Selecting\|Preparing\|Unpacking\|Setting up\|Processing\|Reading\|Building\|Creating config\|update-alternatives\)' || true
}
has() { grep -qF -- "$1" <<<"$out"; }
pg_login() { [ "$(psql -w -h 127.0.0.1 -U postgres -d postgres -Atc 'select current_user' 2>/dev/null)" = postgres ]; }
redis_pong() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
pg_pid() { head -n 1 /var/lib/postgresql/15/main/postmaster.pid; }
redis_pid() { redis-cli info server | tr -d '\r' | awk -F: '$1 == "process_id" { print $2 }'; }
hba=/etc/postgresql/15/main/pg_hba.conf

echo "1. Neither service installed, npm test mode (no flag)"
ensure
check "exits 0 so npm test can skip (or fail under CI=true)" test "$rc" = 0
check "says PostgreSQL is not installed" has "PostgreSQL is not installed"
check "says Redis is not installed" has "Redis is not installed"
check "installs nothing" test ! -e /usr/bin/redis-server

echo "2. Neither installed, --install, no package source reachable"
mv /etc/apt/sources.list /etc/apt/sources.list.off
ensure --install
mv /etc/apt/sources.list.off /etc/apt/sources.list
check "exits non-zero" test "$rc" != 0

echo "3. Neither installed, --install: install, configure, start"
ensure --install
check "exits 0" test "$rc" = 0
check "installed postgresql from Debian's packages" has "installing postgresql"
check "installed redis-server from Debian's packages" has "installing redis-server"
check "started PostgreSQL 15/main" has "starting PostgreSQL 15/main"
check "started Redis" has "starting Redis"
check "postgres logs in over 127.0.0.1:5432 without a password" pg_login
check "Redis answers PONG on 127.0.0.1:6379" redis_pong
check "trust rules on top of pg_hba.conf" grep -q '^host all all 127.0.0.1/32 trust' <(sed -n 2p "$hba")

echo "4. The project's integration tests against them (CI=true: a missing service fails)"
set +e
CI=true timeout 300 node node_modules/vitest/vitest.mjs run --config tests/vitest.config.ts tests/http/health.test.ts tests/infra/redis-adapters.test.ts > /tmp/vitest.log 2>&1
vrc=$?
set -e
grep -E "Test Files|Tests " /tmp/vitest.log | sed 's/\x1b\[[0-9;]*m//g; s/^/    │ /'
check "vitest exits 0" test "$vrc" = 0

echo "5. Installed but stopped: start, no install"
pg_ctlcluster 15 main stop
redis-cli shutdown nosave >/dev/null 2>&1 || true
check "both are down first" bash -c '! (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null && ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null'
mv /etc/apt/sources.list /etc/apt/sources.list.off # an install attempt would now fail
hba_before="$(md5sum < "$hba")"
ensure --install
check "exits 0" test "$rc" = 0
check "installs nothing" bash -c '! grep -q installing <<<"$1"' _ "$out"
check "started PostgreSQL 15/main" has "starting PostgreSQL 15/main"
check "started Redis" has "starting Redis"
check "pg_hba.conf unchanged" test "$(md5sum < "$hba")" = "$hba_before"
check "postgres logs in without a password" pg_login
check "Redis answers PONG" redis_pong

echo "6. Running: left alone, in both modes"
pg_before="$(pg_pid)" redis_before="$(redis_pid)"
ensure --install
check "--install exits 0" test "$rc" = 0
check "--install leaves PostgreSQL as it is" has "PostgreSQL is up (left as it is)"
check "--install leaves Redis as it is" has "Redis is up (left as it is)"
ensure
check "npm test mode exits 0" test "$rc" = 0
check "same postmaster (pid $pg_before)" test "$(pg_pid)" = "$pg_before"
check "same redis-server (pid $redis_before)" test "$(redis_pid)" = "$redis_before"
check "pg_hba.conf unchanged" test "$(md5sum < "$hba")" = "$hba_before"

echo "7. Running but refusing postgres without a password (someone else's rules): a clear failure, nothing changed"
# Debian's own rules: scram-sha-256 for local TCP.
sed -i '/^# brandbase/,/^$/d' "$hba"
pg_ctlcluster 15 main reload
hba_strict="$(md5sum < "$hba")"
ensure --install
check "exits non-zero" test "$rc" != 0
check "says postgres is refused without a password" has "refuses user postgres without a password"
check "pg_hba.conf unchanged" test "$(md5sum < "$hba")" = "$hba_strict"
check "same postmaster" test "$(pg_pid)" = "$pg_before"
mv /etc/apt/sources.list.off /etc/apt/sources.list

echo "verify-services: $passed passed, $failed failed"
[ "$failed" = 0 ]
