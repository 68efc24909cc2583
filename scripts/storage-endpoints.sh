#!/usr/bin/env bash
# The demo organisations' storage: one S3-compatible endpoint per organisation (S3Proxy, from Maven Central,
# over a folder of its own under $MEDSHARE_DATA_DIR/s3/<org>/), each a process on 127.0.0.1 with its own
# credentials. `start` also writes $MEDSHARE_DATA_DIR/s3/storage.properties, the service's
# medshare.store.nodes.* for these endpoints (credentials by file, owner-only; never in the properties).
#   scripts/storage-endpoints.sh start|stop|status
# Ports: $MEDSHARE_S3_BASE_PORT (default 19101) and the next two.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
data_dir="${MEDSHARE_DATA_DIR:-$root/data}"
dir="$data_dir/s3"
base_port="${MEDSHARE_S3_BASE_PORT:-19101}"
orgs=(hospital-a hospital-b regulator)
bucket=medshare-shards

running() { [ -f "$dir/$1.pid" ] && kill -0 "$(cat "$dir/$1.pid")" 2>/dev/null; }

classpath() {
  if [ ! -s "$dir/classpath" ]; then
    mvn -B -q dependency:build-classpath -pl sharded-store -Dmdep.includeScope=test \
      -Dmdep.outputFile="$dir/classpath" >/dev/null
  fi
  cat "$dir/classpath"
}

start() {
  mkdir -p "$dir"
  chmod 700 "$dir"
  local cp i=0 props="$dir/storage.properties.tmp"
  cp="$(classpath)"
  printf '<configuration><appender name="out" class="ch.qos.logback.core.ConsoleAppender"><encoder><pattern>%%d %%level %%logger{20} %%msg%%n</pattern></encoder></appender><root level="WARN"><appender-ref ref="out"/></root></configuration>\n' >"$dir/logback.xml"
  : >"$props"
  for org in "${orgs[@]}"; do
    local port=$((base_port + i)) conf="$dir/$org.conf" creds="$dir/$org.credentials"
    i=$((i + 1))
    mkdir -p "$dir/$org/$bucket"
    if [ ! -s "$creds" ]; then
      (umask 077; printf 'access-key=%s\nsecret-key=%s\n' "$org" "$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')" >"$creds")
    fi
    (umask 077; {
      echo "s3proxy.endpoint=http://127.0.0.1:$port"
      echo "s3proxy.authorization=aws-v2-or-v4"
      echo "s3proxy.identity=$org"
      echo "s3proxy.credential=$(sed -n 's/^secret-key=//p' "$creds")"
      echo "jclouds.provider=filesystem-nio2"
      echo "jclouds.filesystem.basedir=$dir/$org"
      echo "jclouds.identity=unused"
      echo "jclouds.credential=unused"
    } >"$conf")
    if ! running "$org"; then
      nohup java -Xmx192m -Dlogback.configurationFile="$dir/logback.xml" -cp "$cp" org.gaul.s3proxy.Main --properties "$conf" >"$dir/$org.log" 2>&1 &
      echo $! >"$dir/$org.pid"
    fi
    {
      echo "medshare.store.nodes.$org-s3.organisation=$org"
      echo "medshare.store.nodes.$org-s3.backend=s3"
      echo "medshare.store.nodes.$org-s3.endpoint=http://127.0.0.1:$port"
      echo "medshare.store.nodes.$org-s3.bucket=$bucket"
      echo "medshare.store.nodes.$org-s3.credentials-file=$creds"
    } >>"$props"
  done
  mv "$props" "$dir/storage.properties"
  i=0
  for org in "${orgs[@]}"; do
    local port=$((base_port + i))
    i=$((i + 1))
    for _ in $(seq 1 60); do
      curl -s -o /dev/null "http://127.0.0.1:$port/" && break
      running "$org" || { echo "storage: $org's endpoint exited; see $dir/$org.log" >&2; exit 1; }
      sleep 0.5
    done
    curl -s -o /dev/null "http://127.0.0.1:$port/" || { echo "storage: $org's endpoint does not answer" >&2; exit 1; }
    echo "   $org: S3 endpoint http://127.0.0.1:$port (bucket $bucket, folder $dir/$org, pid $(cat "$dir/$org.pid"))"
  done
}

stop() {
  for org in "${orgs[@]}"; do
    if running "$org"; then
      kill "$(cat "$dir/$org.pid")"
      echo "storage: $org's endpoint stopped"
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
  *) echo "usage: scripts/storage-endpoints.sh start|stop|status" >&2; exit 2 ;;
esac
