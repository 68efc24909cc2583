#!/usr/bin/env bash
# Runs a real Keycloak for MedShare from its Maven Central distribution.
#   scripts/keycloak.sh start|stop|status|install
# install: fetches org.keycloak:keycloak-quarkus-dist through Maven, unpacks it
#          under .keycloak/ (git-ignored) and builds it once (kc.sh build).
# start:   imports sample-data/keycloak/medshare-realm.json into a fresh
#          embedded database, starts on 127.0.0.1:$KEYCLOAK_PORT (default 18080),
#          waits until the realm answers, writes the PID to .keycloak/keycloak.pid.
# stop:    stops the process whose PID was written by start (never by name).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${KEYCLOAK_VERSION:-26.5.6}"
port="${KEYCLOAK_PORT:-18080}"
mgmt_port="${KEYCLOAK_MANAGEMENT_PORT:-19000}"
base="$root/.keycloak"
home="$base/keycloak-$version"
pidfile="$base/keycloak.pid"
logfile="$base/keycloak.log"
realm_url="http://127.0.0.1:$port/realms/medshare/.well-known/openid-configuration"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

install() {
  if [ -x "$home/bin/kc.sh" ] && [ -f "$home/.medshare-built" ]; then return 0; fi
  mkdir -p "$base"
  echo "keycloak: fetching org.keycloak:keycloak-quarkus-dist:$version:zip through Maven" >&2
  (cd "$base" && mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.keycloak:keycloak-quarkus-dist:$version:zip" \
    -DoutputDirectory="$base" -Dmdep.overWriteReleases=true)
  rm -rf "$home.partial" "$home"
  mkdir -p "$home.partial"
  (cd "$home.partial" && unzip -q "$base/keycloak-quarkus-dist-$version.zip")
  mv "$home.partial/keycloak-$version" "$home"
  rm -rf "$home.partial" "$base/keycloak-quarkus-dist-$version.zip"
  echo "keycloak: building (once)" >&2
  "$home/bin/kc.sh" build --cache=local --health-enabled=true >"$base/build.log" 2>&1
  touch "$home/.medshare-built"
}

start() {
  if running; then echo "keycloak: already running (pid $(cat "$pidfile"))"; return 0; fi
  install
  rm -rf "$home/data/h2" "$home/data/import"
  mkdir -p "$home/data/import"
  cp "$root/sample-data/keycloak/medshare-realm.json" "$home/data/import/"
  echo "keycloak: starting on 127.0.0.1:$port" >&2
  KC_BOOTSTRAP_ADMIN_USERNAME="${KC_BOOTSTRAP_ADMIN_USERNAME:-admin}" \
  KC_BOOTSTRAP_ADMIN_PASSWORD="${KC_BOOTSTRAP_ADMIN_PASSWORD:-admin}" \
  nohup "$home/bin/kc.sh" start --optimized --import-realm \
    --http-enabled=true --http-host=127.0.0.1 --http-port="$port" \
    --http-management-port="$mgmt_port" \
    --hostname-strict=false >"$logfile" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 180); do
    if curl -fsS -o /dev/null "$realm_url" 2>/dev/null; then
      echo "keycloak: ready at http://127.0.0.1:$port (pid $(cat "$pidfile"))" >&2
      return 0
    fi
    if ! running; then echo "keycloak: exited during start; see $logfile" >&2; tail -20 "$logfile" >&2; return 1; fi
    sleep 1
  done
  echo "keycloak: not ready after 180 s; see $logfile" >&2
  return 1
}

stop() {
  if ! running; then rm -f "$pidfile"; echo "keycloak: not running" >&2; return 0; fi
  local pid; pid="$(cat "$pidfile")"
  kill "$pid"
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$pidfile"
  echo "keycloak: stopped" >&2
}

status() {
  if running && curl -fsS -o /dev/null "$realm_url" 2>/dev/null; then
    echo "keycloak: running and ready (pid $(cat "$pidfile"))"
  elif running; then
    echo "keycloak: running, not ready (pid $(cat "$pidfile"))"; return 1
  else
    echo "keycloak: not running"; return 3
  fi
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status|install" >&2; exit 2 ;;
esac
