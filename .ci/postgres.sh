#!/usr/bin/env bash
# Make sure a PostgreSQL server runs on 127.0.0.1:5432 with a dms_test database,
# installing and starting it if needed; print the URL the tests should use.
set -euo pipefail
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
DB=dms_test

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "ci: installing postgresql" >&2
  as_root apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >&2
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "ci: starting postgresql" >&2
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2
  for _ in $(seq 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

url_for() { echo "postgresql+psycopg://$1@127.0.0.1:5432/$DB"; }
psql_tcp() { psql -h 127.0.0.1 -U postgres -d postgres -Atq "$@"; }

# This workplace's server trusts local TCP; a stock Debian one wants a password.
if psql_tcp -c "SELECT 1" >/dev/null 2>&1; then
  credentials=postgres
else
  as_root su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\"" >&2
  export PGPASSWORD=postgres
  credentials=postgres:postgres
fi
if [ "$(psql_tcp -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != "1" ]; then
  psql_tcp -c "CREATE DATABASE $DB" >&2
fi
url_for "$credentials"
