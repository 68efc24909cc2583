#!/usr/bin/env bash
# The scale curve: one packaged service and one data directory grown to each size in turn (default 1,000, 10,000 and
# 100,000 records of a synthetic population made from the sample bundles, half hospital-a's, half hospital-b's). At
# each size (org.medshare.bench.e2e.ScaleRunner): the ingest rate and latency of the records added, a count, a DP mean
# and a regression over every record, the service's heap after a full GC, bytes per record of each part of the data
# directory; then the service is restarted on the same data and the time until it is ready again is recorded (it
# includes opening the ledger; the first start, on an empty directory, is the baseline). Writes
# bench/results/scale-<date>.txt (with date, machine and JDK) and its chart, scale-<date>.svg
# (org.medshare.bench.e2e.ScaleChart).
#   scripts/scale-bench.sh [SIZE...]        (MEDSHARE_SKIP_BUILD=1: use the jars already built)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${*:-1000 10000 100000}"
port="${MEDSHARE_BENCH_PORT:-19582}"
realm="http://127.0.0.1:${KEYCLOAK_PORT:-18080}/realms/medshare"
data="$(mktemp -d "${TMPDIR:-/tmp}/medshare-scale-bench.XXXXXX")"
work="$(mktemp -d "${TMPDIR:-/tmp}/medshare-scale-work.XXXXXX")"
out="bench/results/${BENCH_NAME:-scale}-$(date -u +%Y-%m-%d).txt"
source scripts/packaged-service.sh
curl -fsS -o /dev/null "$realm" 2>/dev/null || scripts/keycloak.sh start
[ -n "${MEDSHARE_SKIP_BUILD:-}" ] || mvn -q -B -DskipTests -pl service,client,bench -am package
seconds() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(seconds)" 'BEGIN { printf "%.1f", b - a }'; }
mkdir -p "$(dirname "$out")"
{
  echo "# scripts/scale-bench.sh $sizes"
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
  echo "jdk: $(java -version 2>&1 | head -1)"
} >"$out"
t0="$(seconds)"
start_packaged_service "$port" "$data"
printf '\nservice ready on an empty data directory after %s s\n' "$(since "$t0")" >>"$out"
for size in $sizes; do
  java -cp bench/target/benchmarks.jar org.medshare.bench.e2e.ScaleRunner "$SERVICE_URL" "$realm" \
    "$data/enclave/authority.trust" sample-data "$APPROVAL_KEY" "$work" "$size" "$out" "$data" "$SERVICE_PID" \
    "${MEDSHARE_BENCH_CONNECTIONS:-16}"
  packaged_service_stop
  t0="$(seconds)"
  restart_packaged_service "$port" "$data"
  printf 'service ready again on %s records after %s s (opens the ledger, the store and the database)\n' \
    "$size" "$(since "$t0")" >>"$out"
done
java -cp bench/target/benchmarks.jar org.medshare.bench.e2e.ScaleChart "$out" "${out%.txt}.svg"
echo "results: $out and ${out%.txt}.svg (service data and logs: $data)"
