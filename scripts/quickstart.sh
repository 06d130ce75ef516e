#!/usr/bin/env bash
# The main job, end to end, on the embedded defaults: the development key in keys/, the
# SQLite ledger at its default location (~/.local/share/ctictl/ledger.sqlite unless
# CTICTL_LEDGER is set). Builds ctictl, issues a license, verifies it, inspects it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh
echo "== building ctictl (first build takes a few minutes)"
swift build --product ctictl 2>&1 | tail -n 1
ctictl="$(swift build --show-bin-path)/ctictl"

# git does not keep file modes other than 644/755; ctictl refuses key files others can read.
chmod 600 keys/development-*.pem
mkdir -p out

echo "== issuing a license with the development key (ledger: ${CTICTL_LEDGER:-default location})"
"$ctictl" license issue \
  --key keys/development-ed25519.pem --keyring keys/development.jwks \
  --product datev-connector --customer K-10023 --customer-name "Kanzlei Muster" \
  --seats 10 --feature call-notes --maintenance-until 2027-12-31 --grace-days 14 \
  --order-id QUICKSTART-1 --out out/quickstart.lic

echo "== verifying it (development keys must be allowed explicitly)"
"$ctictl" license verify out/quickstart.lic --keyring keys/development.jwks \
  --product datev-connector --allow-development-keys --explain

echo "== inspecting it (decodes without verifying, and says so)"
"$ctictl" license inspect out/quickstart.lic

echo "== the client's startup check with it (license, compatibility; docs/startup-check.md)"
"$ctictl" catalog sign --product datev-connector --key keys/development-ed25519.pem --out out/catalog.sig
"$ctictl" check --product datev-connector --license out/quickstart.lic --keyring keys/development.jwks \
  --catalog out/catalog.sig --client-version 2.6 --pbx-version 6.7.0.5 --allow-development-keys

echo "== the ledger"
"$ctictl" ledger list
