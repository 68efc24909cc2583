#!/usr/bin/env bash
# Upload ingest with the consortium's ledger (three node processes, the service a client of their group) beside
# the embedded single-member ledger, in the same run, with the same end-to-end harness as scripts/upload-bench.sh
# (org.medshare.bench.e2e.UploadThroughput: prepared uploads posted on 16 connections). Writes the two full
# reports and bench/results/consortium-ingest-<date>.txt with the ratio (target: >= 0.8).
#   scripts/consortium-bench.sh [COUNT]     (MEDSHARE_SKIP_BUILD=1: use the jars already built)
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-500}"
realm="http://127.0.0.1:${KEYCLOAK_PORT:-18080}/realms/medshare"
day="$(date -u +%Y-%m-%d)"
source scripts/packaged-service.sh
curl -fsS -o /dev/null "$realm" 2>/dev/null || scripts/keycloak.sh start
[ -n "${MEDSHARE_SKIP_BUILD:-}" ] || mvn -q -B -DskipTests -pl service,client,bench -am package

nodes_data=""
stop_all() {
  packaged_service_stop
  [ -z "$nodes_data" ] || MEDSHARE_DATA_DIR="$nodes_data" MEDSHARE_NODE_BASE_PORT=19471 scripts/consortium.sh stop
}

ingest() { # port data-dir report: one UploadThroughput run against a service started on port with data-dir
  start_packaged_service "$1" "$2"
  trap stop_all EXIT
  java -Dmedshare.service.pid="$SERVICE_PID" -cp bench/target/benchmarks.jar org.medshare.bench.e2e.UploadThroughput \
    "$SERVICE_URL" "$realm" "$2/enclave/authority.trust" sample-data client/target/medshare.jar "$2/bench" "$count" "$3" \
    "${MEDSHARE_BENCH_CONNECTIONS:-16}"
  packaged_service_stop
}

single="bench/results/consortium-ingest-single-member-$day.txt"
three="bench/results/consortium-ingest-three-nodes-$day.txt"
ingest 19591 "$(mktemp -d "${TMPDIR:-/tmp}/medshare-single.XXXXXX")" "$single"

nodes_data="$(mktemp -d "${TMPDIR:-/tmp}/medshare-consortium.XXXXXX")"
trap stop_all EXIT
MEDSHARE_DATA_DIR="$nodes_data" MEDSHARE_NODE_BASE_PORT=19471 scripts/consortium.sh start
export MEDSHARE_LEDGER_CONSORTIUM="$nodes_data/nodes/consortium.txt"
export MEDSHARE_LEDGER_TLS_KEY="$nodes_data/nodes/service-tls/service.key"
export MEDSHARE_LEDGER_TLS_CERT="$nodes_data/nodes/service-tls/service.crt"
ingest 19592 "$nodes_data" "$three"

rate() { sed -nE 's/^server ingest[^:]*: ([0-9.]+) records\/s.*/\1/p' "$1"; }
p99() { sed -nE 's/.*ingest latency:.* p99 ([0-9.]+) ms.*/\1/p' "$1"; }
out="bench/results/consortium-ingest-$day.txt"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(uname -srm), $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "jdk: $(java -version 2>&1 | tail -1)"
  echo "command: scripts/consortium-bench.sh $count (org.medshare.bench.e2e.UploadThroughput, both runs in this run)"
  echo "single member (embedded ledger, the service signs checkpoints):    $(rate "$single") records/s, p99 $(p99 "$single") ms"
  echo "three organisations' nodes (separate JVMs, final with 2 of 3 cosignatures): $(rate "$three") records/s, p99 $(p99 "$three") ms"
  awk -v a="$(rate "$three")" -v b="$(rate "$single")" 'BEGIN {printf "ratio three nodes / single member: %.2f (target >= 0.80)\n", a / b}'
  echo "full reports: $single, $three"
} | tee "$out"
