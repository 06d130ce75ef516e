"""An implementation of the ctictl license format that shares no code with ctictl: Python's
standard library and `cryptography`, following docs/license-format.md.

  interop.py verify KEYRING LICENSE...   verify licenses; prints "OK <jti>" or "FAIL <file>: <why>"
  interop.py sign OUTDIR                  make keys, a JWKS and licenses (both algorithms, one tampered)
  interop.py public-key PEM PASSWORD      load an (encrypted) PKCS#8 private key, print its raw public key in hex
"""
import base64
import json
import sys
import time
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

BEGIN, END = "-----BEGIN CTI LICENSE-----", "-----END CTI LICENSE-----"
TYPE = "cti-license+jwt"
# The order of P-256: an ES256 signature is accepted only with s <= N // 2 (low s), and
# signed that way (docs/license-format.md); `cryptography` may return either half.
P256_ORDER = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def b64u_decode(text: str) -> bytes:
    if "=" in text:
        raise ValueError("padding is not allowed")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def read_compact(text: str, label: str = "CTI LICENSE") -> str:
    """The reading rules: whitespace anywhere is dropped; the armor is optional."""
    begin, end = f"-----BEGIN {label}-----", f"-----END {label}-----"
    lines = [line.strip(" \t\r\ufeff\u00a0") for line in text.splitlines()]
    if begin in lines:
        lines = lines[lines.index(begin) + 1 : lines.index(end)]
    return "".join("".join(line.split()) for line in lines)


def public_key(jwk: dict):
    if jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519":
        return "EdDSA", ed25519.Ed25519PublicKey.from_public_bytes(b64u_decode(jwk["x"]))
    if jwk["kty"] == "EC" and jwk["crv"] == "P-256":
        numbers = ec.EllipticCurvePublicNumbers(int.from_bytes(b64u_decode(jwk["x"]), "big"), int.from_bytes(b64u_decode(jwk["y"]), "big"), ec.SECP256R1())
        return "ES256", numbers.public_key()
    raise ValueError(f"unsupported key {jwk['kty']}/{jwk['crv']}")


def verify(keyring_path: str, license_path: str) -> dict:
    claims = verify_jws(keyring_path, license_path, TYPE, "CTI LICENSE")
    now = time.time()
    if not (claims["nbf"] <= now and ("exp" not in claims or now < claims["exp"])):
        raise ValueError("outside the validity window")
    return claims


def verify_jws(keyring_path: str, path: str, typ: str, label: str) -> dict:
    """Any signed ctictl file (docs/license-format.md): the key by kid, the algorithm from the key."""
    keys = {jwk["kid"]: jwk for jwk in json.loads(Path(keyring_path).read_text())["keys"]}
    header_b64, payload_b64, signature_b64 = read_compact(Path(path).read_text(encoding="utf-8-sig"), label).split(".")
    header = json.loads(b64u_decode(header_b64))
    if header.get("typ", "").lower() != typ:
        raise ValueError(f"typ {header.get('typ')!r}")
    if "crit" in header:
        raise ValueError("crit")
    algorithm, key = public_key(keys[header["kid"]])  # the algorithm comes from the key
    # RFC 9864: "Ed25519" is the fully-specified name of what "EdDSA" means here.
    if header["alg"] not in ({"EdDSA", "Ed25519"} if algorithm == "EdDSA" else {algorithm}):
        raise ValueError(f"header alg {header['alg']} but the key is {algorithm}")
    signing_input = f"{header_b64}.{payload_b64}".encode()
    signature = b64u_decode(signature_b64)
    if algorithm == "EdDSA":
        key.verify(signature, signing_input)
    else:
        if len(signature) != 64:
            raise ValueError("ES256 signature must be r||s, 64 bytes")
        if int.from_bytes(signature[32:], "big") > P256_ORDER // 2:
            raise ValueError("ES256 signature with a high s")
        der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
        key.verify(der, signing_input, ec.ECDSA(hashes.SHA256()))
    return json.loads(b64u_decode(payload_b64))


def sign_compact(header: dict, claims: dict, key) -> str:
    header_b64 = b64u(json.dumps(header, separators=(",", ":")).encode())
    payload_b64 = b64u(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header_b64}.{payload_b64}".encode()
    if isinstance(key, ed25519.Ed25519PrivateKey):
        signature = key.sign(signing_input)
    else:
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        s = min(s, P256_ORDER - s)  # low s: the one form ctictl accepts
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"{header_b64}.{payload_b64}.{b64u(signature)}"


def armor(compact: str) -> str:
    return "\n".join(["Comment: signed by Python", BEGIN, *[compact[i : i + 64] for i in range(0, len(compact), 64)], END]) + "\n"


def sign(outdir: str) -> None:
    out = Path(outdir)
    ed = ed25519.Ed25519PrivateKey.generate()
    p256 = ec.generate_private_key(ec.SECP256R1())
    ed_raw = ed.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    numbers = p256.public_key().public_numbers()
    jwks = {"keys": [
        {"kid": "py-ed25519", "kty": "OKP", "crv": "Ed25519", "x": b64u(ed_raw), "alg": "EdDSA", "use": "sig"},
        {"kid": "py-es256", "kty": "EC", "crv": "P-256", "x": b64u(numbers.x.to_bytes(32, "big")), "y": b64u(numbers.y.to_bytes(32, "big")), "alg": "ES256", "use": "sig"},
    ]}
    (out / "python.jwks").write_text(json.dumps(jwks, indent=2))
    now = int(time.time())
    for kid, alg, key, serial in [("py-ed25519", "EdDSA", ed, "PY-1"), ("py-es256", "ES256", p256, "PY-2")]:
        claims = {"iss": "python", "sub": "K-PY", "jti": serial, "iat": now - 60, "nbf": now - 60, "exp": now + 86400 * 365,
                  "cti": {"v": 1, "product": "datev-connector", "features": ["call-notes"], "seats": 7, "customer_name": "Pythön GmbH"}}
        compact = sign_compact({"alg": alg, "kid": kid, "typ": TYPE}, claims, key)
        (out / f"python-{alg.lower()}.lic").write_text(armor(compact))
        if alg == "EdDSA":
            header_b64, _, signature_b64 = compact.split(".")
            claims["cti"]["seats"] = 700
            tampered = f"{header_b64}.{b64u(json.dumps(claims, separators=(',', ':')).encode())}.{signature_b64}"
            (out / "python-tampered.lic").write_text(armor(tampered))


def main() -> int:
    command = sys.argv[1]
    if command == "verify":
        failed = 0
        for path in sys.argv[3:]:
            try:
                print("OK", verify(sys.argv[2], path)["jti"])
            except (InvalidSignature, ValueError, KeyError) as error:
                failed += 1
                print(f"FAIL {path}: {type(error).__name__} {error}")
        return 1 if failed else 0
    if command == "verify-checkpoint":  # ledger checkpoints (docs/ledger.md)
        try:
            claims = verify_jws(sys.argv[2], sys.argv[3], "cti-ledger-checkpoint+jwt", "CTI LEDGER CHECKPOINT")
            print("OK", claims["audit_rows"], claims["head"], claims.get("last_serial"))
            return 0
        except (InvalidSignature, ValueError, KeyError) as error:
            print(f"FAIL {sys.argv[3]}: {type(error).__name__} {error}")
            return 1
    if command == "sign":
        sign(sys.argv[2])
        return 0
    if command == "public-key":
        key = serialization.load_pem_private_key(Path(sys.argv[2]).read_bytes(), password=sys.argv[3].encode())
        if isinstance(key, ed25519.Ed25519PrivateKey):
            print(key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex())
        else:  # P-256: x || y, as in the JWK
            print(key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)[1:].hex())
        return 0
    return 64


if __name__ == "__main__":
    sys.exit(main())
