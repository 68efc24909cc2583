#!/usr/bin/env bash
# Load benchmark (not a unit test): CLIENTS concurrent clients (default 50) upload and query for SECONDS
# (default 60) against the packaged application (service runner jar on its own port with a fresh data
# directory, real Keycloak tokens), then check that nothing was lost. Throughput and p50/p95/p99 latencies
# go to bench/results/load-<date>.txt (with date, machine, JDK). Exit 1 on any error or loss.
#   scripts/load.sh [CLIENTS] [SECONDS]    (MEDSHARE_SKIP_BUILD=1: use the jars already built)
set -euo pipefail
cd "$(dirname "$0")/.."
clients="${1:-50}"
seconds="${2:-60}"
port="${MEDSHARE_LOAD_PORT:-19580}"
realm="http://127.0.0.1:${KEYCLOAK_PORT:-18080}/realms/medshare"
data="$(mktemp -d "${TMPDIR:-/tmp}/medshare-load.XXXXXX")"
source scripts/packaged-service.sh
curl -fsS -o /dev/null "$realm" 2>/dev/null || scripts/keycloak.sh start
[ -n "${MEDSHARE_SKIP_BUILD:-}" ] || mvn -q -B -DskipTests -pl service,client,bench -am package
start_packaged_service "$port" "$data"
out="bench/results/${BENCH_NAME:-load}-$(date -u +%Y-%m-%d).txt"
java -cp bench/target/benchmarks.jar org.medshare.bench.e2e.LoadRunner "$SERVICE_URL" "$realm" \
  "$data/enclave/authority.trust" sample-data "$clients" "$seconds" "${MEDSHARE_LOAD_POOL:-3000}" "$out" "$APPROVAL_KEY"
echo "results: $out (service data and logs: $data)"
