#!/usr/bin/env bash
# Benchmarks with their baselines in the same run (figures go to docs/performance.md):
#  1. in-process license verification vs raw swift-crypto Ed25519 verification;
#  2. batch issuance of 10,000 orders vs raw swift-crypto Ed25519 signing, on disk and tmpfs;
#  3. a whole `ctictl license verify` process vs `openssl pkeyutl -verify`;
#  4. `ctictl config migrate --root` over 10,000 configs vs scripts/bench/migrate_configs.py;
#  5. the client's startup check: the whole `ctictl-check` process vs `openssl pkeyutl -verify`,
#     and `cti_startup_check` through the shipped library vs raw swift-crypto Ed25519 verification;
#     and what the client-side products link (none of Foundation, ArgumentParser, GRDB, the ledger).
#  6. doctor: a whole run over 50 users vs config check and cat; its PBX probes with unreachable
#     (silent) loopback PBXs vs the probe timeout.
#  7. the doctor's log scan over 1 GB of client logs vs `cat` of the same files, on disk and tmpfs.
# Release build, static Swift runtime (what ships). Usage: scripts/bench.sh [runs]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
source scripts/shipped-build.sh
build_shipped ctictl ctictl-bench ctictl-check CTIStartupCheck
bin="$(shipped_bin_path)"
echo "== machine: $(nproc) cores, $(uname -m), $(openssl version)"
echo "== 1. in-process verification"
"$bin/ctictl-bench" verify --seconds 6
echo "== 2. batch issuance, on the disk (TMPDIR=${TMPDIR:-/tmp})"
"$bin/ctictl-bench" batch --count 10000
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  echo "== 2b. batch issuance in memory (tmpfs: the CPU-bound figure)"
  TMPDIR=/dev/shm "$bin/ctictl-bench" batch --count 10000
fi
echo "== 3. whole process"
"$bin/ctictl-bench" process --ctictl "$bin/ctictl" --runs "${1:-300}"
echo "== 4. config migrate, 10,000 configs, on the disk (TMPDIR=${TMPDIR:-/tmp})"
"$bin/ctictl-bench" config-migrate --ctictl "$bin/ctictl" --count 10000
echo "== 5. the client's startup check"
scripts/client-links.sh "$bin/ctictl-check" "$bin/libCTIStartupCheck.so"
"$bin/ctictl-bench" startup --check "$bin/ctictl-check" --library "$bin/libCTIStartupCheck.so" --runs "${1:-300}"
echo "== 6. doctor over 50 users, offline (target <= 150 ms)"
"$bin/ctictl-bench" doctor --ctictl "$bin/ctictl" --users 50 --runs 20
echo "== 6b. doctor's PBX probes, unreachable PBXs on loopback (target: the probe timeout + 100 ms)"
"$bin/ctictl-bench" pbx-probe --users 50 --hosts 1 --timeout 2000 --rounds 5
"$bin/ctictl-bench" pbx-probe --users 50 --hosts 20 --timeout 2000 --rounds 5
echo "== 7. log scan, 1 GB of client logs vs cat, on the disk (TMPDIR=${TMPDIR:-/tmp})"
"$bin/ctictl-bench" log-scan --megabytes 1024
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  echo "== 7b. log scan in memory (tmpfs)"
  TMPDIR=/dev/shm "$bin/ctictl-bench" log-scan --megabytes 1024
fi
