#!/usr/bin/env bash
# Installs and starts what MedShare's build and tests need beyond Java 17 and Maven,
# using Debian's packages where something is missing:
#   unzip, curl (Keycloak install), node + npm (solc-js compiles the Solidity contract),
#   PostgreSQL on 127.0.0.1:5432 with trust auth and database `test` (production-profile tests),
#   chromium (headless browser tests of the web console, scripts/console-test.sh).
# Safe to run again: it changes nothing that is already in place.
set -euo pipefail

need_apt=()
command -v unzip >/dev/null || need_apt+=(unzip)
command -v curl >/dev/null || need_apt+=(curl)
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
command -v pg_ctlcluster >/dev/null || need_apt+=(postgresql)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "prerequisites: installing ${need_apt[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if ! command -v chromium >/dev/null; then
  echo "prerequisites: installing chromium with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
fi

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! pg_ready; then
  version="$(ls /etc/postgresql | sort -V | tail -1)"
  echo "prerequisites: starting PostgreSQL $version" >&2
  conf="/etc/postgresql/$version/main"
  if ! grep -q '^host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"; then
    sed -i '1i host all all 127.0.0.1/32 trust' "$conf/pg_hba.conf"
  fi
  pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
fi
pg_ready || { echo "prerequisites: PostgreSQL does not answer on 127.0.0.1:5432" >&2; exit 1; }
if ! psql -h 127.0.0.1 -U postgres -Atc "select 1 from pg_database where datname='test'" | grep -q 1; then
  psql -h 127.0.0.1 -U postgres -qc "create database test"
fi
