#!/usr/bin/env bash
# Runs every test of MedShare: installs/starts the prerequisites (scripts/prerequisites.sh),
# starts the real Keycloak (scripts/keycloak.sh), runs `mvn verify` over the whole reactor, then the
# web console's browser tests against the packaged service (scripts/console-test.sh), and stops Keycloak
# again. The checkpoint-anchoring tests start and stop their own local EVM node (npm ganache, installed
# by the Maven build with `npm ci` from ledger-anchor/src/test/evm/package-lock.json) on a free loopback
# port, by its process. Extra arguments go to Maven.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/prerequisites.sh
started_keycloak=0
if ! scripts/keycloak.sh status >/dev/null 2>&1; then
  scripts/keycloak.sh start
  started_keycloak=1
fi
stop_keycloak() { [ "$started_keycloak" = 1 ] && scripts/keycloak.sh stop || true; }
trap stop_keycloak EXIT
mvn -B verify "$@"
scripts/console-test.sh
