#!/usr/bin/env bash
# Runs a local EVM node (npm ganache 7.9.2, pinned in ledger-anchor/src/test/evm/package-lock.json) on
# loopback for checkpoint anchoring in the demo.
#   scripts/evm-node.sh start|stop|status
# start:  installs ganache from the lock file if needed (npm ci), creates the anchoring account's key
#         ($MEDSHARE_EVM_DIR/anchor.key, owner-only; funded at genesis), starts the node on
#         127.0.0.1:$MEDSHARE_EVM_PORT (default 18545, chain id 1337) with its chain kept in
#         $MEDSHARE_EVM_DIR/chain (default .evm-node/), waits until it answers, writes the PID to
#         $MEDSHARE_EVM_DIR/evm-node.pid.
# stop:   stops the process whose PID start wrote (never by name); the chain stays on disk.
# The tests do not use this script: each starts its own node on a free port (GanacheNode).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
port="${MEDSHARE_EVM_PORT:-18545}"
dir="${MEDSHARE_EVM_DIR:-$root/.evm-node}"
pkg="$root/ledger-anchor/src/test/evm"
pidfile="$dir/evm-node.pid"
logfile="$dir/evm-node.log"
rpc="http://127.0.0.1:$port"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

answers() {
  curl -fsS -o /dev/null -H 'Content-Type: application/json' \
    -d '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","params":[]}' "$rpc" 2>/dev/null
}

start() {
  if running; then echo "evm-node: already running at $rpc (pid $(cat "$pidfile"))"; return 0; fi
  if answers; then echo "evm-node: something else answers on $rpc; set MEDSHARE_EVM_PORT" >&2; return 1; fi
  if [ ! -f "$pkg/node_modules/ganache/package.json" ]; then
    echo "evm-node: installing ganache from $pkg/package-lock.json" >&2
    (cd "$pkg" && npm ci --no-audit --no-fund >/dev/null)
  fi
  mkdir -p "$dir/chain"
  if [ ! -f "$dir/anchor.key" ]; then
    (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("hex") + "\n")' >"$dir/anchor.key")
  fi
  echo "evm-node: starting ganache on $rpc (chain in $dir/chain)" >&2
  nohup node "$pkg/node_modules/ganache/dist/node/cli.js" --server.host 127.0.0.1 --server.port "$port" \
    --chain.chainId 1337 --database.dbPath "$dir/chain" --logging.quiet \
    --wallet.accounts "0x$(tr -d '\n' <"$dir/anchor.key"),1000000000000000000000" >"$logfile" 2>&1 &
  echo $! >"$pidfile"
  for _ in $(seq 1 60); do
    if answers; then echo "evm-node: ready at $rpc (pid $(cat "$pidfile")); anchoring key $dir/anchor.key" >&2; return 0; fi
    if ! running; then echo "evm-node: exited during start; see $logfile" >&2; tail -20 "$logfile" >&2; return 1; fi
    sleep 1
  done
  echo "evm-node: no answer on $rpc after 60 s; see $logfile" >&2
  return 1
}

stop() {
  if running; then
    local pid; pid="$(cat "$pidfile")"
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
    echo "evm-node: stopped"
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "evm-node: running at $rpc (pid $(cat "$pidfile"))"; else echo "evm-node: not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
