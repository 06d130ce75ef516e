#!/usr/bin/env bash
# Regenerates docs/test-vectors/ (run by hand, never by tests: the committed vectors are the
# fixed reference). The keys in docs/test-vectors/keys/ are kept; licenses are issued with
# ctictl, and the variants and forgeries are made by scripts/test_vectors.py with Python's
# `cryptography`, an implementation independent of ctictl's.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --with-python
swift build --product ctictl 2>&1 | tail -n 1
ctictl="$(swift build --show-bin-path)/ctictl"
out=docs/test-vectors
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
chmod 600 "$out"/keys/*.pem
issue() { "$ctictl" license issue --keyring "$out/keyring.jwks" --ledger "$tmp/ledger.sqlite" "$@" >/dev/null; }
issue --key "$out/keys/test-vector-ed25519.pem" --product datev-connector --customer K-10023 --customer-name "Kanzlei Muster" \
  --seats 25 --feature call-notes --pbx-id SF-4711 --not-before 2026-01-01 --expires 2030-12-31 --grace-days 14 \
  --maintenance-until 2027-12-31 --order-id TV-1 --out "$out/ed25519.lic"
issue --key "$out/keys/test-vector-es256.pem" --product connector365-cti --customer K-20001 --customer-name "Muster AG" \
  --seats 5 --not-before 2026-01-01 --expires 2030-12-31 --order-id TV-2 --out "$out/es256.lic"
issue --key "$out/keys/test-vector-ed25519.pem" --product crm-groupware --customer K-30001 --seats 3 --not-before 2026-01-01 \
  --maintenance-until 2028-06-30 --order-id TV-3 --out "$out/perpetual-ed25519.lic"
python3 scripts/test_vectors.py "$out"
echo "wrote $(ls "$out" | wc -l) files to $out"
