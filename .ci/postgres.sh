#!/usr/bin/env bash
# Starts a PostgreSQL for the store tests on loopback and prints the connection string (empty when it cannot).
# Runs as root in CI; installs Debian's postgresql when it is missing.
set -u
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >/dev/null 2>&1 || exit 0
fi
version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
[ -n "$version" ] || exit 0
if ! pg_lsclusters -h 2>/dev/null | grep -q "^$version main"; then
  pg_createcluster "$version" main >/dev/null 2>&1 || exit 0
fi
pg_ctlcluster "$version" main start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  su postgres -c "psql -qAtc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
su postgres -c "psql -qAtc \"select 1 from pg_roles where rolname='crampcds'\"" 2>/dev/null | grep -q 1 \
  || su postgres -c "psql -qc \"create role crampcds login createdb password 'crampcds-ci'\"" >/dev/null 2>&1 || exit 0
su postgres -c "psql -qAtc \"select 1 from pg_database where datname='crampcds_test'\"" 2>/dev/null | grep -q 1 \
  || su postgres -c "psql -qc 'create database crampcds_test owner crampcds'" >/dev/null 2>&1 || exit 0
echo "Host=127.0.0.1;Port=5432;Username=crampcds;Password=crampcds-ci;Database=crampcds_test"
