#!/usr/bin/env bash
# Releasing a 100 KB record to another hospital's clinician, against the packaged application: the service's
# own time for a granted release (checks, ACCESS event, store read), the HTTP request as a program sees it and
# `medshare records get` end to end, each beside the store read of the same releases. Writes
# bench/results/release-latency-<date>.txt (with date, machine, JDK).
#   scripts/release-bench.sh [COUNT]        (MEDSHARE_SKIP_BUILD=1: use the jars already built)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-300}"
port="${MEDSHARE_BENCH_PORT:-19582}"
realm="http://127.0.0.1:${KEYCLOAK_PORT:-18080}/realms/medshare"
data="$(mktemp -d "${TMPDIR:-/tmp}/medshare-release-bench.XXXXXX")"
source scripts/packaged-service.sh
curl -fsS -o /dev/null "$realm" 2>/dev/null || scripts/keycloak.sh start
[ -n "${MEDSHARE_SKIP_BUILD:-}" ] || mvn -q -B -DskipTests -pl service,client,bench -am package
start_packaged_service "$port" "$data"
out="bench/results/${BENCH_NAME:-release-latency}-$(date -u +%Y-%m-%d).txt"
java -cp bench/target/benchmarks.jar org.medshare.bench.e2e.ReleaseLatency "$SERVICE_URL" "$realm" \
  "$data/enclave/authority.trust" sample-data client/target/medshare.jar "$data/bench" "$count" "$out" \
  "${MEDSHARE_EPOCH:-2026Q4}"
echo "results: $out (service data and logs: $data)"
