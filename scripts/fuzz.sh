#!/usr/bin/env bash
# Fuzzes every reader of outside input with libFuzzer and AddressSanitizer (the parsers read
# through unsafe buffer pointers: ASan checks every access), one reader at a time.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Each target (see FuzzInputs.swift: license, keyring, revocations, endorsement, checkpoint,
# catalog, json, base64url, csv, csv-field, pem, version, time, terminal-text, settings,
# schema, regex, migration, startup-request, log-scan, known-issues) runs SECONDS
# (default 60) with its own corpus in .build-fuzz/corpus/TARGET, seeded with valid signed
# inputs the harness writes. A crash, a broken property, a memory error or a timeout leaves
# its input in .build-fuzz/findings/TARGET/; the script then exits 1 after the other targets.
# Reproduce one with: FUZZ_TARGET=TARGET <fuzzer> .build-fuzz/findings/TARGET/crash-...
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
all_targets=(license keyring revocations endorsement checkpoint catalog json base64url csv csv-field pem version time terminal-text
  settings schema regex migration startup-request log-scan known-issues)
targets=("${@:-${all_targets[@]}}")
[[ $seconds =~ ^[0-9]+$ ]] || { echo "fuzz.sh: SECONDS must be a whole number, not \"$seconds\"" >&2; exit 64; }

scripts/setup.sh
# swiftc keeps only the last -sanitize= it is given, and SwiftPM passes the two separately:
# without the combined flag the Swift code gets ASan but no coverage, and libFuzzer is blind
# to it (it sees only the C code of BoringSSL).
build=(swift build --package-path scripts/fuzz --scratch-path .build-fuzz -c release --sanitize=fuzzer --sanitize=address
  -Xswiftc -sanitize=fuzzer,address)
"${build[@]}" 2>&1 | tail -n 1
fuzzer="$("${build[@]}" --show-bin-path)/fuzz-inputs"

status=0
rows=()
for target in "${targets[@]}"; do
  corpus=.build-fuzz/corpus/$target seeds=.build-fuzz/seeds/$target findings=.build-fuzz/findings/$target
  log=.build-fuzz/logs/$target.log
  mkdir -p "$corpus" "$seeds" "$findings" .build-fuzz/logs
  echo "fuzz.sh: $target for ${seconds}s"
  set +e
  FUZZ_TARGET="$target" FUZZ_SEEDS="$seeds" SWIFT_BACKTRACE=enable=no LSAN_OPTIONS="suppressions=$PWD/scripts/fuzz/lsan.supp" "$fuzzer" "$corpus" "$seeds" \
    -max_total_time="$seconds" -max_len=8192 -timeout=5 -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1
  code=$?
  set -e
  stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -n 1; }
  coverage=$(sed -n 's/.* cov: \([0-9]*\) .*/\1/p' "$log" | tail -n 1)
  result="ok"
  if ((code != 0)); then
    result="FAILED (exit $code, see $log)"
    status=1
  fi
  rows+=("$(printf '%-14s %12s %10s %9s %8s %9s  %s' "$target" "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" \
    "${coverage:-?}" "$(find "$corpus" -type f | wc -l)" "$(stat peak_rss_mb)" "$result")")
done

printf '\n%-14s %12s %10s %9s %8s %9s  %s\n' target executions "execs/s" coverage corpus "RSS (MB)" result
printf '%s\n' "${rows[@]}"
exit "$status"
