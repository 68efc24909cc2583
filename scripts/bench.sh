#!/usr/bin/env bash
# Runs the JMH benchmarks and writes their JSON under bench/results/.
#   scripts/bench.sh [REGEX] [extra JMH options]
# REGEX selects benchmarks by class or method name (default: all).
# Each run writes bench/results/<name>-<date>.json and a .txt beside it with
# the machine, JDK and date, so committed figures say where they came from.
set -euo pipefail
cd "$(dirname "$0")/.."
regex="${1:-.}"
shift || true
name="${BENCH_NAME:-$(echo "$regex" | tr -c 'A-Za-z0-9_\n-' '_' | sed 's/_*$//')}"
[ "$regex" = "." ] && name=all
mvn -q -B -DskipTests -pl bench -am package
mkdir -p bench/results
stamp=$(date -u +%Y-%m-%d)
out="bench/results/${name}-${stamp}"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "machine: $(uname -srm), $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)"
  echo "cpu: $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
  echo "jdk: $(java -version 2>&1 | head -1)"
  echo "command: scripts/bench.sh $regex $*"
  echo
} > "$out.txt"
java -jar bench/target/benchmarks.jar "$regex" -rf json -rff "$out.json" "$@" | tee -a "$out.txt"
echo "results: $out.json, $out.txt"
