#!/usr/bin/env bash
# The demo consortium's ledger: one node per organisation (hospital-a, hospital-b, regulator-nhc), each a
# separate JVM (`medshare node run`) with its own checkpoint key, Raft member, witness and copy of the log
# under $MEDSHARE_DATA_DIR/nodes/<org>/. `start` makes each organisation's key once (node keygen: the secret
# stays in that organisation's folder), writes the consortium file every party shares
# ($MEDSHARE_DATA_DIR/nodes/consortium.txt, public keys only) and the members' verifier keys for regulators
# ($MEDSHARE_DATA_DIR/nodes/members.vkeys), starts the nodes and waits until the group has a leader.
# The Raft group runs with mutual TLS: `start` also makes the consortium's transport root once (node tls-ca:
# $MEDSHARE_DATA_DIR/nodes/transport-ca/, kept by the consortium's governance; its certificate is the file's
# tls-root line) and issues each node, and the service, a transport key and certificate (node tls-cert:
# nodes/<org>/tls/ and nodes/service-tls/). Nothing without such a certificate can append, vote or read through Raft.
#   scripts/consortium.sh start|stop|status
# Ports: Raft $MEDSHARE_NODE_BASE_PORT (default 19301) and the next two; HTTP (read-only) ten above them.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
data_dir="${MEDSHARE_DATA_DIR:-$root/data}"
dir="$data_dir/nodes"
base_port="${MEDSHARE_NODE_BASE_PORT:-19301}"
orgs=(hospital-a hospital-b regulator-nhc)

running() { [ -f "$dir/$1.pid" ] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

http_port() { echo $((base_port + 10 + $1)); }

write_consortium() {
  local i=0 file="$dir/consortium.txt.tmp"
  {
    echo "# The demo consortium's ledger: every party holds this same file (public keys only)."
    echo "origin medshare.example/consortium"
    echo "group $(cat "$dir/group")"
    echo "suite nist"
    echo "$(cat "$dir/transport-ca/tls-root")"
    for org in "${orgs[@]}"; do
      echo "member $org 127.0.0.1:$((base_port + i)) 127.0.0.1:$(http_port "$i") $(cat "$dir/$org/node.vkey")"
      i=$((i + 1))
    done
  } >"$file"
  mv "$file" "$dir/consortium.txt"
  for org in "${orgs[@]}"; do cat "$dir/$org/node.vkey"; done >"$dir/members.vkeys"
}

start() {
  mkdir -p "$dir"
  [ -s "$dir/group" ] || cat /proc/sys/kernel/random/uuid >"$dir/group"
  for org in "${orgs[@]}"; do
    if [ ! -s "$dir/$org/node.vkey" ]; then
      mkdir -p "$dir/$org"
      chmod 700 "$dir/$org"
      ./medshare node keygen --org "$org" --out "$dir/$org/node.key" >"$dir/$org/node.vkey"
    fi
  done
  if [ ! -s "$dir/transport-ca/tls-root" ]; then
    ./medshare node tls-ca --out "$dir/transport-ca" >"$dir/tls-root.tmp"
    mv "$dir/tls-root.tmp" "$dir/transport-ca/tls-root"
  fi
  for org in "${orgs[@]}"; do
    [ -s "$dir/$org/tls/$org.crt" ] \
      || ./medshare node tls-cert --ca "$dir/transport-ca" --name "$org" --host 127.0.0.1 --out "$dir/$org/tls"
  done
  [ -s "$dir/service-tls/service.crt" ] \
    || ./medshare node tls-cert --ca "$dir/transport-ca" --name service --out "$dir/service-tls"
  write_consortium
  for org in "${orgs[@]}"; do
    if ! running "$org"; then
      nohup ./medshare node run --consortium "$dir/consortium.txt" --org "$org" --key "$dir/$org/node.key" \
        --tls-key "$dir/$org/tls/$org.key" --tls-cert "$dir/$org/tls/$org.crt" \
        --dir "$dir/$org" >"$dir/$org.log" 2>&1 &
      echo $! >"$dir/$org.pid"
    fi
  done
  local i=0 leader=""
  for org in "${orgs[@]}"; do
    for _ in $(seq 1 60); do
      curl -fsS -o /dev/null "http://127.0.0.1:$(http_port "$i")/health" 2>/dev/null && break
      running "$org" || { echo "consortium: the node of $org exited; see $dir/$org.log" >&2; exit 1; }
      sleep 1
    done
    echo "   $org: node pid $(cat "$dir/$org.pid"), Raft 127.0.0.1:$((base_port + i)), read-only HTTP" \
      "http://127.0.0.1:$(http_port "$i") (log $dir/$org/ledger)"
    i=$((i + 1))
  done
  for _ in $(seq 1 60); do
    for i in 0 1 2; do
      if curl -fsS "http://127.0.0.1:$(http_port "$i")/health" 2>/dev/null | grep -q '"leader":true'; then
        leader="${orgs[$i]}"
      fi
    done
    [ -n "$leader" ] && break
    sleep 1
  done
  [ -n "$leader" ] || { echo "consortium: the nodes elected no leader; see $dir/*.log" >&2; exit 1; }
  echo "   the group's leader is $leader's node; a checkpoint is final with 2 of the 3 organisations' cosignatures"
}

stop() {
  for org in "${orgs[@]}"; do
    if running "$org"; then
      kill "$(cat "$dir/$org.pid")"
      for _ in $(seq 1 20); do running "$org" || break; sleep 0.5; done
      echo "consortium: node of $org stopped"
    fi
    rm -f "$dir/$org.pid"
  done
}

status() {
  for org in "${orgs[@]}"; do
    if running "$org"; then echo "$org: running (pid $(cat "$dir/$org.pid"))"; else echo "$org: stopped"; fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: scripts/consortium.sh start|stop|status" >&2; exit 2 ;;
esac
