#!/usr/bin/env bash
# Upload throughput of 1-10 KB bundles against the packaged application (issue 8 target: 200 records/s end
# to end, client encryption measured separately from server ingest): client preparation, server ingest of
# prepared uploads and `medshare upload` end to end, each beside a baseline of the same run. Writes
# bench/results/upload-throughput-<date>.txt (with date, machine, JDK).
#   scripts/upload-bench.sh [COUNT]        (MEDSHARE_SKIP_BUILD=1: use the jars already built)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-1000}"
port="${MEDSHARE_BENCH_PORT:-19581}"
realm="http://127.0.0.1:${KEYCLOAK_PORT:-18080}/realms/medshare"
data="$(mktemp -d "${TMPDIR:-/tmp}/medshare-upload-bench.XXXXXX")"
source scripts/packaged-service.sh
curl -fsS -o /dev/null "$realm" 2>/dev/null || scripts/keycloak.sh start
[ -n "${MEDSHARE_SKIP_BUILD:-}" ] || mvn -q -B -DskipTests -pl service,client,bench -am package
start_packaged_service "$port" "$data"
out="bench/results/${BENCH_NAME:-upload-throughput}-$(date -u +%Y-%m-%d).txt"
java -Dmedshare.service.pid="$SERVICE_PID" -cp bench/target/benchmarks.jar org.medshare.bench.e2e.UploadThroughput "$SERVICE_URL" "$realm" \
  "$data/enclave/authority.trust" sample-data client/target/medshare.jar "$data/bench" "$count" "$out" "${MEDSHARE_BENCH_CONNECTIONS:-16}"
echo "results: $out (service data and logs: $data)"
