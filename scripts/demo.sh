#!/usr/bin/env bash
# The main job: builds MedShare, starts the consortium's ledger (one node process per organisation:
# scripts/consortium.sh), the real Keycloak and the service as a client of the ledger group (H2 database,
# shards, the service's replica of the ledger, simulated enclaves, logs under ./data), then runs the three
# flows on the sample data: hospitals upload, an insurer's queries are approved and computed in the
# (simulated) enclave and paid to the hospitals, and the regulator verifies the audit trail offline.
# A local EVM node (scripts/evm-node.sh, ganache on 127.0.0.1:$MEDSHARE_EVM_PORT, default 18545) receives
# the ledger's checkpoint anchors, and the regulator's offline verification checks them against it.
# A Keycloak already answering on $KEYCLOAK_PORT is reused (and left running). The organisations
# hospital-a, hospital-b and regulator each hold shards on an S3-compatible endpoint of their own
# (scripts/storage-endpoints.sh: S3Proxy over data/s3/<org>/, ports 19101-19103); no organisation holds
# more than two of the six shards of any stripe.
# The services stay up afterwards; `scripts/demo.sh stop` stops the service, the ledger nodes, the storage
# endpoints, the EVM node and the Keycloak this script started.
#   scripts/demo.sh [run|stop]
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
data_dir="${MEDSHARE_DATA_DIR:-$root/data}"
port="${MEDSHARE_HTTP_PORT:-8080}"
api="http://127.0.0.1:$port"
pidfile="$data_dir/service.pid"
epoch="${MEDSHARE_EPOCH:-2026Q4}"
realm="http://127.0.0.1:${KEYCLOAK_PORT:-18080}/realms/medshare"
evm_rpc="http://127.0.0.1:${MEDSHARE_EVM_PORT:-18545}"
evm_dir="${MEDSHARE_EVM_DIR:-$root/.evm-node}"

service_running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

stop() {
  if service_running; then
    kill "$(cat "$pidfile")"
    for _ in $(seq 1 30); do service_running || break; sleep 1; done
    echo "demo: service stopped"
  fi
  rm -f "$pidfile"
  MEDSHARE_DATA_DIR="$data_dir" scripts/consortium.sh stop
  MEDSHARE_DATA_DIR="$data_dir" scripts/storage-endpoints.sh stop
  MEDSHARE_EVM_DIR="$evm_dir" scripts/evm-node.sh stop
  scripts/keycloak.sh stop
}

step() { printf '\n== %s\n' "$*"; }

token() { # username password
  curl -fsS -d grant_type=password -d client_id=medshare-cli -d "username=$1" -d "password=$2" \
    "$realm/protocol/openid-connect/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}

show() { # method path token
  curl -sS -X "$1" -H "Authorization: Bearer $3" -w '\n   -> HTTP %{http_code}\n' "$api$2" | sed 's/^/   /'
}

json() { # method path token body(-or-@file): prints the answer, fails on an HTTP error
  curl -fsS -X "$1" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
    ${4:+--data-binary "$4"} "$api$2"
  echo
}

send() { # method path token body(-or-@file): prints the answer's start and status; a 409 on a re-run is fine
  curl -sS -X "$1" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
    ${4:+--data-binary "$4"} -w '\n   -> HTTP %{http_code}\n' "$api$2" | cut -c1-240 | sed 's/^/   /'
}

cli() { # user medshare-arguments...: the command line with that user's own configuration directory
  local user="$1"; shift
  MEDSHARE_CONFIG="$data_dir/demo/$user" ./medshare "$@"
}

run() {
  step "Prerequisites (PostgreSQL, node, unzip) and build"
  scripts/prerequisites.sh
  mvn -B -q -DskipTests package
  step "Keycloak (real server, realm sample-data/keycloak/medshare-realm.json)"
  if curl -fsS -o /dev/null "$realm/.well-known/openid-configuration" 2>/dev/null; then
    echo "   already answering at ${realm%/realms/medshare}: reused"
  else
    scripts/keycloak.sh start
  fi
  step "Local EVM node for checkpoint anchors ($evm_rpc, ganache)"
  MEDSHARE_EVM_DIR="$evm_dir" scripts/evm-node.sh start
  step "Storage endpoints of the organisations (S3Proxy, one per organisation, over $data_dir/s3/<org>/)"
  if [ -d "$data_dir/store/node-0" ]; then
    echo "demo: $data_dir holds shards of an earlier demo in local directories; shards now live at the" \
      "organisations' S3 endpoints: remove $data_dir (or set MEDSHARE_DATA_DIR to a new folder) and run again" >&2
    exit 1
  fi
  MEDSHARE_DATA_DIR="$data_dir" scripts/storage-endpoints.sh start
  step "The consortium's ledger: a node per organisation (own key, Raft member, witness, own copy of the log)"
  if [ -d "$data_dir/ledger-keys" ]; then
    echo "demo: $data_dir holds the ledger of an earlier demo signed by the service alone; the ledger is now the" \
      "consortium's: remove $data_dir (or set MEDSHARE_DATA_DIR to a new folder) and run again" >&2
    exit 1
  fi
  if cat "$data_dir"/nodes/*/node.vkey 2>/dev/null | cut -d+ -f3 | grep -q '^A'; then
    echo "demo: $data_dir holds the consortium of an earlier demo whose nodes signed plain signed-note lines; nodes" \
      "now cosign in the C2SP cosignature/v1 format: remove $data_dir (or set MEDSHARE_DATA_DIR to a new folder)" \
      "and run again" >&2
    exit 1
  fi
  MEDSHARE_DATA_DIR="$data_dir" scripts/consortium.sh start
  consortium="$data_dir/nodes/consortium.txt"
  members="$data_dir/nodes/members.vkeys"
  step "Each party makes its own signing key: the regulator approves queries with it, each hospital grants its clinicians' keys"
  # The private halves stay with the parties (here: files under $data_dir/demo, one per party); the consortium's
  # party keys file lists the public halves, and the key authority trusts exactly those, never a key of the service.
  party_keys="$data_dir/demo/party-keys.txt"
  approval_key="$data_dir/demo/regulator-nhc-approval.key"
  if [ ! -f "$party_keys" ]; then
    mkdir -p "$data_dir/demo"
    rm -f "$approval_key" "$data_dir"/demo/hospital-*-grants.key
    {
      ./medshare party keygen --org regulator-nhc --role approve-queries --out "$approval_key"
      for org in hospital-a hospital-b; do
        ./medshare party keygen --org "$org" --role grant-keys --out "$data_dir/demo/$org-grants.key"
      done
    } >"$party_keys.tmp"
    mv "$party_keys.tmp" "$party_keys"
  fi
  cut -c1-72 "$party_keys" | sed 's/$/…/; s/^/   /'

  step "MedShare service on $api, a client of the ledger group (data under $data_dir; anchors every 25 entries or 30 s)"
  mkdir -p "$data_dir/logs"
  if ! service_running; then
    MEDSHARE_ENCLAVE_PARTY_KEYS="$party_keys" MEDSHARE_LEDGER_CONSORTIUM="$consortium" \
    MEDSHARE_LEDGER_TLS_KEY="$data_dir/nodes/service-tls/service.key" \
    MEDSHARE_LEDGER_TLS_CERT="$data_dir/nodes/service-tls/service.crt" \
    MEDSHARE_DATA_DIR="$data_dir" MEDSHARE_HTTP_PORT="$port" MEDSHARE_ANCHOR_RPC_URL="$evm_rpc" \
      MEDSHARE_ANCHOR_KEY_FILE="$evm_dir/anchor.key" MEDSHARE_ANCHOR_EVERY_ENTRIES=25 MEDSHARE_ANCHOR_EVERY=PT30S \
      nohup java -Dquarkus.config.locations="$data_dir/s3/storage.properties" \
      -jar service/target/service-0.1.0-SNAPSHOT-runner.jar >"$data_dir/logs/service.out" 2>&1 &
    echo $! >"$pidfile"
  fi
  for _ in $(seq 1 120); do
    curl -fsS -o /dev/null "$api/q/health/ready" 2>/dev/null && break
    service_running || { echo "demo: the service exited; see $data_dir/logs/service.out" >&2; exit 1; }
    sleep 1
  done
  curl -fsS -o /dev/null "$api/q/health/ready" || { echo "demo: the service is not ready" >&2; exit 1; }
  echo "   ready (pid $(cat "$pidfile"))"
  echo "   the ledger names the party keys the key authority trusts:"
  show GET "/api/v1/audit/events?type=PARTY_KEY_REGISTERED" "$(token rita rita-password)"

  step "Each party asks the service who it is (GET /api/v1/me with a real Keycloak token)"
  for who in alice bob irene rita; do
    echo " - $who"
    show GET /api/v1/me "$(token "$who" "$who-password")"
  done

  step "Refusals: an insurer may not list parties (403), no token at all (401)"
  show GET /api/v1/parties "$(token irene irene-password)"
  curl -sS -w '\n   -> HTTP %{http_code}\n' "$api/api/v1/me" | sed 's/^/   /'

  step "Hospitals log in with the medshare command line and upload the sample bundles (encrypted locally)"
  # Patients are pseudonymised with one key shared by the consortium's hospitals (never by the service): one
  # hospital creates it once, the others get a copy; `medshare upload` refuses to run without it.
  pseudonym_key="$data_dir/demo/consortium-pseudonym.key"
  if [ ! -f "$pseudonym_key" ]; then
    mkdir -p "$data_dir/demo"
    cli alice pseudonym-key create --out "$pseudonym_key"
  fi
  # The key authority's trust anchor (SimRoot + signer), handed to hospitals out of band: uploads encrypt
  # only under public parameters whose attestation and signature verify against it.
  authority_trust="$data_dir/enclave/authority.trust"
  for who in alice:hospital-a bob:hospital-b; do
    user="${who%%:*}"; org="${who#*:}"
    cli "$user" login --server "$api" --user "$user" --password-stdin <<<"$user-password"
    cli "$user" upload --no-progress --pseudonym-key "$pseudonym_key" --authority-trust "$authority_trust" \
      --policy "org:$org@$epoch OR purpose:insurance-stats@$epoch" --tag source=synthea "sample-data/fhir/$org"
  done

  step "Uploading again uploads nothing twice (idempotent, resumable)"
  cli alice upload --no-progress --pseudonym-key "$pseudonym_key" --authority-trust "$authority_trust" \
    --policy "org:hospital-a@$epoch OR purpose:insurance-stats@$epoch" --tag source=synthea sample-data/fhir/hospital-a

  step "Each hospital allows its records to be used for insurance statistics (data-use rules)"
  for user in alice bob; do
    json PUT /api/v1/data-use-rules "$(token "$user" "$user-password")" '{"rules":["insurance-stats/*"]}'
  done

  step "The insurer proposes two query templates and deposits escrow; the regulator approves the templates"
  irene_token="$(token irene irene-password)"
  rita_token="$(token rita rita-password)"
  for t in mean-claim-by-hospital count-by-sex; do
    send POST /api/v1/templates "$irene_token" "@sample-data/queries/$t.template.json"
    send POST "/api/v1/templates/$t/1/approve" "$rita_token" ""
  done
  json POST /api/v1/payments/deposits "$irene_token" '{"amount":100000}'
  for user in irene rita; do
    cli "$user" login --server "$api" --user "$user" --password-stdin <<<"$user-password"
  done

  for t in mean-claim-by-hospital count-by-sex; do
    step "Query '$t': the insurer submits, the regulator approves, the enclave computes, the contract pays"
    submitted="$(cli irene query submit --file "sample-data/queries/$t.request.json")"
    echo "$submitted" | sed 's/^/   /'
    id="$(echo "$submitted" | grep -o '"queryId" *: *"[^"]*"' | head -1 | sed 's/.*"\([^"]*\)"$/\1/')"
    [ -n "$id" ] || { echo "demo: no query id in the answer" >&2; exit 1; }
    cli rita query approve "$id" --key "$approval_key" | sed 's/^/   /'
    echo "   insurer's view of the result (a JSON object; groups by hospital are keyed by organisation id):"
    cli irene query result "$id" | sed 's/^/   /'
    echo "   the insurer checks the result without trusting the service: the worker's quote and signature, the"
    echo "   COMPUTE event on the ledger, and that the regulator's own key (pinned from the party keys file) approved it:"
    cli irene query verify "$id" --keys "$members" \
      --worker-trust "$data_dir/enclave/worker.trust" --party-keys "$party_keys" | sed 's/^/   /'
  done

  step "A hospital's own rule blocks a query: hospital-b allows at most epsilon 0.5 per query over its records"
  cli bob disclosure set --min-group-size 10 --max-epsilon 0.5 | sed 's/^/   /'
  echo "   the insurer's dry run names hospital-b before anything is submitted (nothing stored, charged or logged):"
  preview="$(cli irene query preview --file sample-data/queries/mean-claim-by-hospital.request.json || true)"
  echo "$preview" | sed 's/^/   /'
  echo "$preview" | grep -q "blocked (hospital-limit): hospital-b allows at most epsilon 0.5" \
    || { echo "demo: the preview does not name hospital-b's limit" >&2; exit 1; }
  echo "   submitted and approved anyway, the enclave refuses it before decrypting anything and every epsilon charge is refunded:"
  submitted="$(cli irene query submit --file sample-data/queries/mean-claim-by-hospital.request.json)"
  id="$(echo "$submitted" | grep -o '"queryId" *: *"[^"]*"' | head -1 | sed 's/.*"\([^"]*\)"$/\1/')"
  refused="$(cli rita query approve "$id" --key "$approval_key")"
  echo "$refused" | grep -E '"(status|reason)"' | sed 's/^/   /'
  echo "$refused" | grep -q '"FAILED"' || { echo "demo: the enclave ran a query hospital-b's limit refuses" >&2; exit 1; }

  step "Privacy budgets, as the regulator sees them: the insurer's own and each hospital dataset's for this month (all insurers draw on it), with the ledger entries of every charge"
  cli rita budgets show | sed 's/^/   /'

  step "Payouts: what each hospital earned and what the insurer has left in escrow (incentive contract on the EVM)"
  for org in hospital-a hospital-b insurer-x; do
    show GET "/api/v1/payments/balances/$org" "$rita_token"
  done

  step "A referral: hospital-b shares a patient's record with the consortium's cardiologists; the patient consents to treatment at hospital-a"
  # A new version of a record bob uploaded above, under a policy that also names cardiologists anywhere in the
  # consortium; statistics still count the document once, by its current version.
  referral_bundle="$(ls sample-data/fhir/hospital-b/patient-*.json | sort | head -1)"
  referral_id="$(basename "$referral_bundle" .json)"
  referral_patient="https://github.com/synthetichealth/synthea|${referral_id#patient-}"
  cli bob upload --no-progress --pseudonym-key "$pseudonym_key" --authority-trust "$authority_trust" \
    --policy "org:hospital-b@$epoch OR purpose:insurance-stats@$epoch OR (dept:cardiology@$epoch AND role:physician)" \
    --tag source=synthea "$referral_bundle" | sed 's/^/   /'
  cli bob consent permit --patient "$referral_patient" --pseudonym-key "$pseudonym_key" --purpose TREAT \
    --to hospital-a | grep -E '"(version|type|purposes|organisations)"|"TREAT"|"hospital-a"' | sed 's/^/   /'

  step "alice (hospital-a, cardiology) finds the patient's records by identifier, fetches one, checks it and opens it on her machine"
  cli alice authority key --authority-trust "$authority_trust" --grant-key "$data_dir/demo/hospital-a-grants.key" \
    --out "$data_dir/demo/alice.key" | sed 's/^/   /'
  found="$(cli alice records search --patient "$referral_patient" --pseudonym-key "$pseudonym_key")"
  echo "$found" | sed 's/^/   /'
  referral_record="$(echo "$found" | awk 'NR == 1 {print $1}')"
  cli alice records get "$referral_record" --key "$data_dir/demo/alice.key" --purpose TREAT \
    --out "$data_dir/demo/referral-opened.json" | sed 's/^/   /'

  step "arthur (hospital-a, oncology) asks for the same record: refused before any byte"
  cli arthur login --server "$api" --user arthur --password-stdin <<<"arthur-password"
  cli arthur authority key --authority-trust "$authority_trust" --grant-key "$data_dir/demo/hospital-a-grants.key" \
    --out "$data_dir/demo/arthur.key" | sed 's/^/   /'
  if cli arthur records get "$referral_record" --key "$data_dir/demo/arthur.key" --purpose TREAT \
      --out "$data_dir/demo/arthur-opened.json" 2>"$data_dir/demo/arthur.err"; then
    echo "demo: arthur should have been refused" >&2; exit 1
  fi
  sed 's/^/   refused: /' "$data_dir/demo/arthur.err"

  step "bob sees who opened hospital-b's records, each release's ACCESS event proved in the ledger with the members' keys"
  cli bob records access --keys "$members" | sed 's/^/   /'

  step "The regulator exports the audit trail, pins the latest checkpoint, and verifies the whole ledger offline against it"
  cli rita audit export --out "$data_dir/demo/audit-trail.ndjson"
  echo "   $(wc -l <"$data_dir/demo/audit-trail.ndjson") events written to $data_dir/demo/audit-trail.ndjson"
  cli rita audit checkpoint --out "$data_dir/demo/pinned-checkpoint.note" \
    --keys "$members" | sed 's/^/   /'
  ./medshare audit verify --ledger "$data_dir/ledger" --keys "$members" \
    --checkpoint "$data_dir/demo/pinned-checkpoint.note" | sed 's/^/   /'

  step "The regulator checks the organisations' own copies: each node against the pin, and all nodes and the service for a split view"
  for org in hospital-a hospital-b regulator-nhc; do
    echo "   $org's node:"
    ./medshare audit verify --ledger "$data_dir/nodes/$org/ledger" --keys "$members" \
      --checkpoint "$data_dir/demo/pinned-checkpoint.note" | grep -E '^(OK|FAIL)' | sed 's/^/     /'
  done
  node_base="${MEDSHARE_NODE_BASE_PORT:-19301}"
  cli rita audit watch --keys "$members" --store "$data_dir/demo/watched-checkpoints" --rounds 2 --every 1 \
    --nodes "http://127.0.0.1:$((node_base + 10))" "http://127.0.0.1:$((node_base + 11))" \
    "http://127.0.0.1:$((node_base + 12))" "$api" | tail -n 4 | sed 's/^/   /'

  step "Where the shards are: each organisation's S3 endpoint, never more than 2 of a stripe's 6 at one"
  curl -fsS -H "Authorization: Bearer $(token rita rita-password)" "$api/api/v1/health/platform" |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for (const n of JSON.parse(s).store.nodes)
      console.log("   " + n.organisation + ": " + n.backend + " " + n.location + ", " + n.shards + " shards, "
        + n.bytes + " bytes, " + (n.up ? "up" : "down"))})'

  step "Checkpoint anchors on the EVM chain: the last one, then the ledger checked against every anchor on the chain"
  anchor_state() { # prints "<anchored size> <pending entries> <description of the last anchor>" from the health page
    curl -fsS -H "Authorization: Bearer $(token rita rita-password)" "$api/api/v1/health/platform" |
      node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const a=JSON.parse(s).anchor,l=a.last;
        console.log((l ? l.size : 0) + " " + a.pendingEntries + " " + (l ? "size " + l.size + " in transaction "
          + l.txHash + " (block " + l.blockNumber + ", chain " + a.chainId + ", contract " + a.contract
          + "), ledger entry " + l.ledgerIndex : "none"))})'
  }
  anchored=0; pending=1; last="none"
  for _ in $(seq 1 90); do
    read -r anchored pending last <<<"$(anchor_state)"
    [ "$anchored" -gt 0 ] && [ "$pending" = 0 ] && break
    sleep 1
  done
  echo "   last anchor: $last"
  ./medshare audit verify --ledger "$data_dir/ledger" --keys "$members" \
    --anchor-rpc "$evm_rpc" --anchor-contract "$(cat "$data_dir/anchor/contract")" | sed 's/^/   /'

  cat <<TXT

== Running
   Console        $api/console/   (sign in as rita, irene, alice or bob; password <name>-password)
   API            $api/api/v1   (OpenAPI: $api/q/openapi, Swagger UI: $api/q/swagger-ui)
   Health         $api/q/health      Metrics: $api/q/metrics
   Keycloak       ${realm%/realms/medshare}   (admin/admin; realm medshare)
   EVM node       $evm_rpc   (ganache, chain id 1337; anchors contract $(cat "$data_dir/anchor/contract" 2>/dev/null))
   Ledger nodes   hospital-a, hospital-b, regulator-nhc: read-only HTTP on 127.0.0.1:$(( ${MEDSHARE_NODE_BASE_PORT:-19301} + 10 ))-$(( ${MEDSHARE_NODE_BASE_PORT:-19301} + 12 )) (consortium file $data_dir/nodes/consortium.txt)
   Storage        S3 endpoints of hospital-a, hospital-b, regulator on 127.0.0.1:${MEDSHARE_S3_BASE_PORT:-19101}-$(( ${MEDSHARE_S3_BASE_PORT:-19101} + 2 )) (folders $data_dir/s3/<org>/)
   Data and logs  $data_dir
   Stop them with: scripts/demo.sh stop
TXT
}

case "${1:-run}" in
  run) run ;;
  stop) stop ;;
  *) echo "usage: $0 [run|stop]" >&2; exit 2 ;;
esac
