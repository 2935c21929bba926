#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis the tests use, the way this machine's services are
# started, when they are not already answering. Never stops anything.
set -uo pipefail

pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }
redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; }

if ! pg_up; then
  if command -v pg_lsclusters >/dev/null 2>&1; then
    version="$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1}')"
    if [ -n "$version" ]; then
      echo "ensure-services: starting PostgreSQL $version"
      pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    fi
  fi
  for _ in $(seq 1 30); do pg_up && break; sleep 0.5; done
fi
pg_up && echo "ensure-services: PostgreSQL is up" || echo "ensure-services: PostgreSQL is NOT reachable on 127.0.0.1:5432" >&2

if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "ensure-services: starting Redis"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no || true
  fi
  for _ in $(seq 1 30); do redis_up && break; sleep 0.2; done
fi
redis_up && echo "ensure-services: Redis is up" || echo "ensure-services: Redis is NOT reachable on 127.0.0.1:6379" >&2
exit 0
