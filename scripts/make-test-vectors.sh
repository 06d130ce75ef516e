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
# The algorithm-name and low-s vectors (docs/license-format.md), added to the manifest.
python3 - "$out" <<'PYTHON'
import base64, json, sys
from pathlib import Path
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

out = Path(sys.argv[1])
BEGIN, END = "-----BEGIN CTI LICENSE-----", "-----END CTI LICENSE-----"
ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551  # of P-256
b64u = lambda data: base64.urlsafe_b64encode(data).rstrip(b"=").decode()
unb64u = lambda text: base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

def compact_of(name):
    lines = (out / name).read_text().splitlines()
    return "".join(lines[lines.index(BEGIN) + 1 : lines.index(END)])

def armor(compact):
    return "\n".join([BEGIN, *[compact[i : i + 64] for i in range(0, len(compact), 64)], END]) + "\n"

def sign(header, payload_b64, key_file):
    key = serialization.load_pem_private_key((out / "keys" / key_file).read_bytes(), password=None)
    signing_input = f"{b64u(json.dumps(header, separators=(',', ':')).encode())}.{payload_b64}"
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return f"{signing_input}.{b64u(key.sign(signing_input.encode()))}"
    r, s = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    s = min(s, ORDER - s)
    return f"{signing_input}.{b64u(r.to_bytes(32, 'big') + s.to_bytes(32, 'big'))}"

manifest = json.loads((out / "manifest.json").read_text())
def vector(name, compact, expect, code, exit_status, product, note):
    (out / name).write_text(armor(compact))
    manifest["vectors"].append({"file": name, "expect": expect, "code": code, "exit": exit_status, "at": "2027-06-01T00:00:00Z",
                                "product": product, "pbxID": "SF-4711", "note": note})

ed_payload = compact_of("ed25519.lic").split(".")[1]
es_header, es_payload, es_signature = compact_of("es256.lic").split(".")
vector("ed25519-alg-ed25519.lic", sign({"alg": "Ed25519", "kid": "test-vector-ed25519", "typ": "cti-license+jwt"}, ed_payload, "test-vector-ed25519.pem"),
       "accept", None, 0, "datev-connector", "alg Ed25519 (RFC 9864's name for EdDSA with Ed25519) from an Ed25519 key")
vector("reject-alg-ed25519-ec-key.lic", sign({"alg": "Ed25519", "kid": "test-vector-es256", "typ": "cti-license+jwt"}, es_payload, "test-vector-es256.pem"),
       "reject", "jws.alg-mismatch", 1, "connector365-cti", "alg Ed25519 under a P-256 key")
raw = unb64u(es_signature)
high = raw[:32] + (ORDER - int.from_bytes(raw[32:], "big")).to_bytes(32, "big")
vector("reject-es256-high-s.lic", f"{es_header}.{es_payload}.{b64u(high)}", "reject", "jws.signature-high-s", 1, "connector365-cti",
       "es256.lic with s replaced by n - s: mathematically valid, but only the low-s form is accepted")
(out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
PYTHON
rm -f "$out"/*.bak
echo "wrote $(ls "$out" | wc -l) files to $out"
