#!/usr/bin/env bash
# The main job on the embedded default: builds MedShare, starts the real Keycloak and the
# service (H2 database, logs and data under ./data), and walks through the parties' views.
# The services stay up afterwards; `scripts/demo.sh stop` stops both.
#   scripts/demo.sh [run|stop]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
data_dir="${MEDSHARE_DATA_DIR:-$root/data}"
port="${MEDSHARE_HTTP_PORT:-8080}"
api="http://127.0.0.1:$port"
pidfile="$data_dir/service.pid"
realm="http://127.0.0.1:${KEYCLOAK_PORT:-18080}/realms/medshare"

service_running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

stop() {
  if service_running; then
    kill "$(cat "$pidfile")"
    for _ in $(seq 1 30); do service_running || break; sleep 1; done
    echo "demo: service stopped"
  fi
  rm -f "$pidfile"
  scripts/keycloak.sh stop
}

step() { printf '\n== %s\n' "$*"; }

token() { # username password
  curl -fsS -d grant_type=password -d client_id=medshare-cli -d "username=$1" -d "password=$2" \
    "$realm/protocol/openid-connect/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}

show() { # method path token
  curl -sS -X "$1" -H "Authorization: Bearer $3" -w '\n   -> HTTP %{http_code}\n' "$api$2" | sed 's/^/   /'
}

run() {
  step "Prerequisites (PostgreSQL, node, unzip) and build"
  scripts/prerequisites.sh
  mvn -B -q -DskipTests install
  step "Keycloak (real server, realm sample-data/keycloak/medshare-realm.json)"
  scripts/keycloak.sh start
  step "MedShare service on $api (data under $data_dir)"
  mkdir -p "$data_dir/logs"
  if ! service_running; then
    MEDSHARE_DATA_DIR="$data_dir" MEDSHARE_HTTP_PORT="$port" \
      nohup java -jar service/target/quarkus-app/quarkus-run.jar >"$data_dir/logs/service.out" 2>&1 &
    echo $! >"$pidfile"
  fi
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$api/q/health/ready" 2>/dev/null && break
    service_running || { echo "demo: the service exited; see $data_dir/logs/service.out" >&2; exit 1; }
    sleep 1
  done
  curl -fsS -o /dev/null "$api/q/health/ready" || { echo "demo: the service is not ready" >&2; exit 1; }
  echo "   ready (pid $(cat "$pidfile"))"

  step "Each party asks the service who it is (GET /api/v1/me with a real Keycloak token)"
  for who in alice:alice-password bob:bob-password irene:irene-password rita:rita-password; do
    echo " - ${who%%:*}"
    show GET /api/v1/me "$(token "${who%%:*}" "${who#*:}")"
  done

  step "Refusals: an insurer may not list parties (403), no token at all (401)"
  show GET /api/v1/parties "$(token irene irene-password)"
  curl -sS -w '\n   -> HTTP %{http_code}\n' "$api/api/v1/me" | sed 's/^/   /'

  step "The regulator lists every party that has contacted the service"
  show GET /api/v1/parties "$(token rita rita-password)"

  cat <<TXT

== Running
   API            $api/api/v1   (OpenAPI: $api/q/openapi, Swagger UI: $api/q/swagger-ui)
   Health         $api/q/health      Metrics: $api/q/metrics
   Keycloak       ${realm%/realms/medshare}   (admin/admin; realm medshare)
   Data and logs  $data_dir
   Stop both with: scripts/demo.sh stop
TXT
}

case "${1:-run}" in
  run) run ;;
  stop) stop ;;
  *) echo "usage: $0 [run|stop]" >&2; exit 2 ;;
esac
