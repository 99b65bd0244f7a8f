#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers at PGHOST:PGPORT (default
# 127.0.0.1:5432), starting the local cluster when it is down and installing
# Debian's server when there is none. With DATABASE_URL pointing elsewhere
# (a container, a managed server) there is nothing to do here.
set -euo pipefail
host="${PGHOST:-127.0.0.1}"
port="${PGPORT:-5432}"

ready() { pg_isready -q -h "$host" -p "$port" 2>/dev/null; }

if command -v pg_isready >/dev/null && ready; then
  echo "PostgreSQL answers at $host:$port"
  exit 0
fi
if ! command -v pg_ctlcluster >/dev/null; then
  echo "Installing PostgreSQL from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version="$(ls /etc/postgresql | sort -V | tail -n 1)"
echo "Starting PostgreSQL $version (cluster main)"
pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
for _ in $(seq 1 30); do
  if ready; then echo "PostgreSQL answers at $host:$port"; exit 0; fi
  sleep 1
done
echo "PostgreSQL did not start at $host:$port; see /var/log/postgresql/" >&2
exit 1
