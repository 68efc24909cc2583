# Sourced by scripts/load.sh and scripts/upload-bench.sh: the packaged service on its own port and a fresh
# data directory, stopped (with the enclave JVMs it started) by process id when the calling script exits.
#   start_packaged_service PORT DATA_DIR   -> sets SERVICE_URL, SERVICE_PID, APPROVAL_KEY (the regulator's
#   approval key, made with the parties' grant keys under DATA_DIR/parties and listed in the party keys file the
#   service starts with)
#   restart_packaged_service PORT DATA_DIR -> the same service again (after packaged_service_stop), same keys
# MEDSHARE_SERVICE_JAVA_OPTS: extra JVM options of the service (a JFR recording, say)
packaged_service_stop() {
  if [ -n "${SERVICE_PID:-}" ] && kill -0 "$SERVICE_PID" 2>/dev/null; then
    local kids
    kids="$(pgrep -P "$SERVICE_PID" || true)"
    kill "$SERVICE_PID"
    for _ in $(seq 1 30); do kill -0 "$SERVICE_PID" 2>/dev/null || break; sleep 1; done
    kill -9 "$SERVICE_PID" 2>/dev/null || true
    for k in $kids; do kill "$k" 2>/dev/null || true; done
  fi
}

start_packaged_service() {
  local port="$1" data="$2"
  mkdir -p "$data/logs" "$data/parties"
  APPROVAL_KEY="$data/parties/regulator-nhc-approval.key"
  {
    java -jar client/target/medshare.jar party keygen --org regulator-nhc --role approve-queries --out "$APPROVAL_KEY"
    for org in hospital-a hospital-b; do
      java -jar client/target/medshare.jar party keygen --org "$org" --role grant-keys --out "$data/parties/$org-grants.key"
    done
  } >"$data/parties/party-keys.txt"
  restart_packaged_service "$port" "$data"
}

# Starts the service on DATA_DIR with the party keys start_packaged_service made there (again, after
# packaged_service_stop) and waits until it is ready.
restart_packaged_service() {
  local port="$1" data="$2"
  MEDSHARE_ENCLAVE_PARTY_KEYS="$data/parties/party-keys.txt" MEDSHARE_DATA_DIR="$data" MEDSHARE_HTTP_PORT="$port" \
    java ${MEDSHARE_SERVICE_JAVA_OPTS:-} -jar service/target/service-0.1.0-SNAPSHOT-runner.jar >>"$data/logs/service.out" 2>&1 &
  SERVICE_PID=$!
  SERVICE_URL="http://127.0.0.1:$port"
  trap packaged_service_stop EXIT
  for _ in $(seq 1 720); do
    curl -fsS -o /dev/null "$SERVICE_URL/q/health/ready" 2>/dev/null && return 0
    kill -0 "$SERVICE_PID" 2>/dev/null || { echo "the service exited; see $data/logs/service.out" >&2; return 1; }
    sleep 0.25
  done
  echo "the service was not ready in 180 s; see $data/logs/service.out" >&2
  return 1
}
