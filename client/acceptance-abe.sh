#!/usr/bin/env bash
# Acceptance of issue 4 through the packaged CLI (java -jar client/target/medshare.jar), run as a user
# would: a 100 MB file round trip with both suites under a 64 MiB heap (streaming, constant memory),
# an unsatisfying key exits 1 and leaves no file, a flipped byte exits 1 and leaves no file.
#   client/acceptance-abe.sh [WORKDIR]     (builds the jar if missing)
set -uo pipefail
cd "$(dirname "$0")/.."
jar=client/target/medshare.jar
[ -f "$jar" ] || mvn -q -B -o -DskipTests -pl client -am package >&2
work="${1:-$(mktemp -d)}"
mkdir -p "$work"
ms() { java -Xmx64m -jar "$jar" "$@"; }
fail=0
check() { # expected actual what
  if [ "$1" = "$2" ]; then echo "ok   $3 (exit $2)"; else echo "FAIL $3: expected exit $1, got $2"; fail=1; fi
}
head -c 100000000 /dev/urandom > "$work/record.bin"
sha=$(sha256sum "$work/record.bin" | cut -d' ' -f1)
for suite in nist gm; do
  rm -rf "$work/auth-$suite"
  ms authority init --dir "$work/auth-$suite" --suite "$suite" >/dev/null; check 0 $? "authority init --suite $suite"
  ms authority keygen --dir "$work/auth-$suite" --attrs role:physician,dept:cardiology@2026Q4 --out "$work/doctor-$suite.key" >/dev/null
  check 0 $? "authority keygen (doctor, $suite)"
  ms authority keygen --dir "$work/auth-$suite" --attrs role:nurse --out "$work/nurse-$suite.key" >/dev/null
  check 0 $? "authority keygen (nurse, $suite)"
  start=$(date +%s.%N)
  ms encrypt --params "$work/auth-$suite/public.params" --policy "(role:physician AND dept:cardiology@2026Q4) OR role:auditor" \
     --in "$work/record.bin" --out "$work/record.$suite.msae" --suite "$suite"
  check 0 $? "encrypt 100 MB ($suite) in $(echo "$(date +%s.%N) - $start" | bc) s"
  start=$(date +%s.%N)
  ms decrypt --key "$work/doctor-$suite.key" --in "$work/record.$suite.msae" --out "$work/back.$suite.bin"
  check 0 $? "decrypt 100 MB ($suite) in $(echo "$(date +%s.%N) - $start" | bc) s"
  if [ "$(sha256sum "$work/back.$suite.bin" | cut -d' ' -f1)" = "$sha" ]; then echo "ok   round trip identical ($suite)"; else echo "FAIL round trip differs ($suite)"; fail=1; fi
  err=$(ms decrypt --key "$work/nurse-$suite.key" --in "$work/record.$suite.msae" --out "$work/nurse.$suite.bin" 2>&1 >/dev/null); code=$?
  check 1 $code "unsatisfying key ($suite): $err"
  if [ -e "$work/nurse.$suite.bin" ]; then echo "FAIL output file left behind"; fail=1; else echo "ok   no output file left"; fi
  cp "$work/record.$suite.msae" "$work/flipped.$suite.msae"
  printf '\x01' | dd of="$work/flipped.$suite.msae" bs=1 seek=50000000 conv=notrunc status=none
  err=$(ms decrypt --key "$work/doctor-$suite.key" --in "$work/flipped.$suite.msae" --out "$work/flipped.$suite.bin" 2>&1 >/dev/null); code=$?
  check 1 $code "flipped byte at offset 50,000,000 ($suite): $err"
  if [ -e "$work/flipped.$suite.bin" ]; then echo "FAIL output file left behind"; fail=1; else echo "ok   no output file left"; fi
  ls "$work" | grep -q '\.part$' && { echo "FAIL temporary file left"; fail=1; }
done
err=$(ms encrypt --params "$work/auth-nist/public.params" --policy "role:physician AND (dept:x" --in "$work/record.bin" --out "$work/x" 2>&1); code=$?
check 2 $code "malformed policy: $err"
rm -rf "$work"
[ $fail = 0 ] && echo "ACCEPTANCE PASSED" || echo "ACCEPTANCE FAILED"
exit $fail
