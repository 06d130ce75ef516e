#!/usr/bin/env bash
# Fuzzes every reader of outside input (licenses, keyrings, revocation lists, endorsements,
# JSON, CSV, PEM, catalogs, version ranges) with libFuzzer and AddressSanitizer (the parsers
# read through unsafe buffer pointers: ASan checks every access) for SECONDS (default 120). A crash leaves crash-* files in
# .build-fuzz/findings and exits non-zero. Seeds: licenses and keyrings made by ctictl.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-120}"
scripts/setup.sh
swift build --package-path scripts/fuzz --scratch-path .build-fuzz -c release --sanitize=fuzzer --sanitize=address 2>&1 | tail -n 1
fuzzer="$(swift build --package-path scripts/fuzz --scratch-path .build-fuzz -c release --sanitize=fuzzer --sanitize=address --show-bin-path)/fuzz-inputs"
corpus=.build-fuzz/corpus
mkdir -p "$corpus" .build-fuzz/findings
# Seeds: real inputs, so the fuzzer starts from valid structure.
cp keys/development.jwks "$corpus/keyring.jwks"
if [[ -d docs/test-vectors ]]; then find docs/test-vectors -type f \( -name '*.lic' -o -name '*.txt' -o -name '*.jwks' \) -exec cp {} "$corpus/" \; ; fi
printf 'order_id,customer_id,product,seats\nA,K,p,5\n' > "$corpus/orders.csv"
SWIFT_BACKTRACE=enable=no "$fuzzer" "$corpus" -max_total_time="$seconds" -max_len=8192 -timeout=5 \
  -artifact_prefix=.build-fuzz/findings/ -print_final_stats=1
