#!/usr/bin/env bash
# Browser tests of the web console (console-e2e/): starts the packaged service (service/target/*-runner.jar)
# on its own port with a fresh data directory against the running Keycloak (started here, and stopped again,
# if it is not running), seeds it with the real `medshare` command line so that one query waits for the
# regulator, with checkpoint anchoring on a local EVM node (scripts/evm-node.sh, ganache on
# $CONSOLE_EVM_PORT, default 19545, stopped again by its PID), then runs the merkle, auth, fork and approval unit tests and the headless-chromium tests (node --test, playwright-core).
# The regulator's approval key is made here with `medshare party keygen` and listed in the party keys file the service
# trusts (MEDSHARE_ENCLAVE_PARTY_KEYS); only a signature by it approves a query (`medshare query approve ID --key
# FILE` on the command line). The seed approves none: rita loads the key file into the browser ($APPROVAL_KEY_FILE of
# the browser tests) and approves the pending query there.
# Screenshots go to target/console-screenshots/. Every process started here is stopped on exit, also on failure.
#   scripts/console-test.sh          (after `mvn package` or `mvn verify`)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
port="${CONSOLE_TEST_PORT:-19210}"   # listed in the medshare-console client's redirect URIs
api="http://127.0.0.1:$port"
realm="http://127.0.0.1:${KEYCLOAK_PORT:-18080}/realms/medshare"
shots="$root/target/console-screenshots"
jar="$(ls service/target/*-runner.jar 2>/dev/null | head -1 || true)"
[ -n "$jar" ] || { echo "console-test: no service/target/*-runner.jar; build first (mvn package)" >&2; exit 2; }
[ -f client/target/medshare.jar ] || { echo "console-test: no client/target/medshare.jar; build first" >&2; exit 2; }
command -v chromium >/dev/null || { echo "console-test: chromium is missing (scripts/prerequisites.sh installs it)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/medshare-console-test.XXXXXX")"
service_pid=""
started_keycloak=0
evm_port="${CONSOLE_EVM_PORT:-19545}"
evm() { MEDSHARE_EVM_PORT="$evm_port" MEDSHARE_EVM_DIR="$work/evm" "$root/scripts/evm-node.sh" "$@"; }
cleanup() {
  local rc=$?
  if [ -n "$service_pid" ] && kill -0 "$service_pid" 2>/dev/null; then
    kill "$service_pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$service_pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$service_pid" 2>/dev/null || true
  fi
  evm stop >/dev/null || true
  [ "$started_keycloak" = 1 ] && "$root/scripts/keycloak.sh" stop || true
  if [ "$rc" != 0 ]; then
    echo "console-test: FAILED (exit $rc); service log tail:" >&2
    tail -n 40 "$work/service.out" >&2 2>/dev/null || true
  fi
  rm -rf "$work"
  exit "$rc"
}
trap cleanup EXIT

if ! curl -fsS -o /dev/null "$realm/.well-known/openid-configuration" 2>/dev/null; then
  scripts/keycloak.sh start
  started_keycloak=1
fi

cli() { # user args...
  local user="$1"; shift
  MEDSHARE_CONFIG="$work/cli/$user" java -jar client/target/medshare.jar "$@"
}

# the regulator's own approval key (it stays in $work; the service gets only its public half)
approval_key="$work/regulator-nhc.approval.key"
cli rita party keygen --org regulator-nhc --role approve-queries --out "$approval_key" >"$work/party-keys.txt"
grep -q '^approve-queries regulator-nhc ' "$work/party-keys.txt" \
  || { echo "console-test: party keygen printed no party keys line" >&2; exit 1; }

evm start
echo "console-test: service on $api (data in $work)"
MEDSHARE_DATA_DIR="$work/data" MEDSHARE_HTTP_PORT="$port" MEDSHARE_OIDC_URL="$realm" \
  MEDSHARE_ENCLAVE_PARTY_KEYS="$work/party-keys.txt" \
  MEDSHARE_ANCHOR_RPC_URL="http://127.0.0.1:$evm_port" MEDSHARE_ANCHOR_KEY_FILE="$work/evm/anchor.key" \
  MEDSHARE_ANCHOR_EVERY_ENTRIES=5 MEDSHARE_ANCHOR_EVERY=PT5S MEDSHARE_ANCHOR_POLL_INTERVAL=PT1S \
  java -Dmedshare.store.scrub-initial-delay=PT1S -Dmedshare.store.scrub-interval=PT5S -jar "$jar" >"$work/service.out" 2>&1 &
service_pid=$!
for _ in $(seq 1 120); do
  curl -fsS -o /dev/null "$api/q/health/ready" 2>/dev/null && break
  kill -0 "$service_pid" 2>/dev/null || { echo "console-test: the service exited" >&2; exit 1; }
  sleep 1
done
curl -fsS -o /dev/null "$api/q/health/ready" || { echo "console-test: the service is not ready" >&2; exit 1; }

token() { # user
  curl -fsS -d grant_type=password -d client_id=medshare-cli -d "username=$1" -d "password=$1-password" \
    "$realm/protocol/openid-connect/token" | sed -E 's/.*"access_token":"([^"]+)".*/\1/'
}
call() { # method path token [body]: fails on an HTTP error
  curl -fsS -o /dev/null -X "$1" -H "Authorization: Bearer $3" -H 'Content-Type: application/json' \
    ${4:+--data-binary "$4"} "$api$2"
}
echo "console-test: seeding (hospitals upload 6 bundles each, rules, template, escrow, one pending query)"
mkdir -p "$work/cli"
(umask 077 && head -c 32 /dev/urandom >"$work/pseudonym.key")
for who in alice:hospital-a bob:hospital-b; do
  user="${who%%:*}"; org="${who#*:}"
  mkdir -p "$work/fhir/$org"
  ls "sample-data/fhir/$org"/*.json | head -6 | xargs -I{} cp {} "$work/fhir/$org/"
  cli "$user" login --server "$api" --user "$user" --password-stdin <<<"$user-password" >/dev/null
  cli "$user" upload --no-progress --pseudonym-key "$work/pseudonym.key" --authority-trust "$work/data/enclave/authority.trust" \
    --policy "org:$org@${MEDSHARE_EPOCH:-2026Q4} OR purpose:insurance-stats@${MEDSHARE_EPOCH:-2026Q4}" --tag source=synthea "$work/fhir/$org" >/dev/null
  call PUT /api/v1/data-use-rules "$(token "$user")" '{"rules":["insurance-stats/*"]}'
done
# an emergency release: alice shares one more bundle with the consortium's cardiologists, bob opens it for ETREAT
# without a consent that permits it (break-glass: ACCESS + BREAK_GLASS, in the regulator's review queue)
shared="$(ls sample-data/fhir/hospital-a/*.json | sed -n 7p)"
shared_answer="$(cli alice upload --no-progress --pseudonym-key "$work/pseudonym.key" \
  --authority-trust "$work/data/enclave/authority.trust" \
  --policy "org:hospital-a@${MEDSHARE_EPOCH:-2026Q4} OR (dept:cardiology@${MEDSHARE_EPOCH:-2026Q4} AND role:physician)" "$shared")"
shared_record="$(echo "$shared_answer" | grep -o 'record [^ ,]*' | head -1 | cut -d' ' -f2)"
[ -n "$shared_record" ] || { echo "console-test: no record id in: $shared_answer" >&2; exit 1; }
call GET "/api/v1/records/$shared_record/ciphertext?purpose=ETREAT&reason=cardiac%20arrest%20in%20the%20emergency%20department" \
  "$(token bob)"
irene="$(token irene)"
call POST /api/v1/templates "$irene" @sample-data/queries/count-by-sex.template.json
call POST /api/v1/templates/count-by-sex/1/approve "$(token rita)" ""
call POST /api/v1/payments/deposits "$irene" '{"amount":100000}'
cli irene login --server "$api" --user irene --password-stdin <<<"irene-password" >/dev/null
# the waiting query spends ε 0.5 of the budgets once approved, so the browser tests see budgets that were charged
printf '%s\n' '{"templateId": "count-by-sex", "templateVersion": 1, "insurerId": "insurer-x", "purpose": "insurance-stats",' \
  ' "parameters": {}, "epsilon": 0.5}' > "$work/count-by-sex.request.json"
submitted="$(cli irene query submit --file "$work/count-by-sex.request.json")"
query_id="$(echo "$submitted" | grep -o '"queryId" *: *"[^"]*"' | head -1 | sed 's/.*"\([^"]*\)"$/\1/')"
[ -n "$query_id" ] || { echo "console-test: no query id in: $submitted" >&2; exit 1; }
echo "console-test: query $query_id waits for the regulator"

cd console-e2e
if [ ! -d node_modules/playwright-core ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
rm -rf "$shots"
CONSOLE_URL="$api" PENDING_QUERY_ID="$query_id" SHARED_RECORD="$shared_record" SCREENSHOT_DIR="$shots" CHROMIUM="$(command -v chromium)" \
  MEMBER_VKEY="$(cat "$work/data/ledger-keys/member.vkey")" APPROVAL_KEY_FILE="$approval_key" \
  node --test --test-concurrency=1 merkle.test.mjs auth.test.mjs fork.test.mjs approval.test.mjs console.test.mjs
echo "console-test: screenshots in $shots"
