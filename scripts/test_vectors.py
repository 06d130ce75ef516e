"""Makes the copy-paste variants and the must-reject forgeries of docs/test-vectors/ from the
licenses ctictl issued there, and writes manifest.json. Uses only Python's standard library
and `cryptography` (an implementation independent of ctictl), following
docs/license-format.md."""
import base64
import json
import sys
from pathlib import Path

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

OUT = Path(sys.argv[1])
BEGIN, END = "-----BEGIN CTI LICENSE-----", "-----END CTI LICENSE-----"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact_of(text: str) -> str:
    lines = text.splitlines()
    return "".join(lines[lines.index(BEGIN) + 1 : lines.index(END)])


def armor(compact: str, width: int = 64, comments=()) -> str:
    body = [compact[i : i + width] for i in range(0, len(compact), width)]
    return "\n".join([*comments, BEGIN, *body, END]) + "\n"


def sign(header: dict, payload_b64: str, key_file: str) -> str:
    """Signs header.payload with a test-vector key, as any JWS library would."""
    key = serialization.load_pem_private_key((OUT / "keys" / key_file).read_bytes(), password=None)
    header_b64 = b64u(json.dumps(header, separators=(",", ":")).encode())
    signing_input = f"{header_b64}.{payload_b64}".encode()
    if isinstance(key, ed25519.Ed25519PrivateKey):
        signature = key.sign(signing_input)
    else:
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"{header_b64}.{payload_b64}.{b64u(signature)}"


base_text = (OUT / "ed25519.lic").read_text()
base = compact_of(base_text)
comments = base_text.splitlines()[: base_text.splitlines().index(BEGIN)]
header_b64, payload_b64, signature_b64 = base.split(".")
entries = []


def vector(name, content, expect, code=None, exit_status=0, at="2027-06-01T00:00:00Z", product="datev-connector", note=""):
    data = content if isinstance(content, bytes) else content.encode()
    (OUT / name).write_bytes(data)
    entries.append({"file": name, "expect": expect, "code": code, "exit": exit_status, "at": at, "product": product, "pbxID": "SF-4711", "note": note})


# Accepted as issued.
vector("ed25519.lic", base_text, "accept", note="EdDSA license as ctictl issues it")
vector("es256.lic", (OUT / "es256.lic").read_text(), "accept", product="connector365-cti", note="ES256 license as ctictl issues it")
vector("perpetual-ed25519.lic", (OUT / "perpetual-ed25519.lic").read_text(), "accept", product="crm-groupware", at="2040-01-01T00:00:00Z",
       note="perpetual: no exp")

# Accepted: what e-mail and copy-paste do to the text.
vector("variant-crlf.lic", base_text.replace("\n", "\r\n"), "accept", note="CRLF line ends")
vector("variant-rewrapped-40.lic", armor(base, 40, comments), "accept", note="re-wrapped at 40 columns")
vector("variant-rewrapped-76.lic", armor(base, 76, comments), "accept", note="re-wrapped at 76 columns")
vector("variant-indented.lic", "".join("    " + line + "\n" for line in base_text.splitlines()), "accept", note="every line indented")
vector("variant-trailing-spaces.lic", "".join(line + "   \n" for line in base_text.splitlines()), "accept", note="trailing spaces")
vector("variant-tabs.lic", "".join("\t" + line + "\t\n" for line in base_text.splitlines()), "accept", note="tabs around lines")
vector("variant-bom.lic", "\ufeff" + base_text, "accept", note="UTF-8 byte order mark")
vector("variant-nbsp.lic", "".join("\u00a0\u00a0" + line + "\u00a0\n" for line in base_text.splitlines()), "accept",
       note="no-break spaces (U+00A0) as indentation and at line ends")
vector("variant-bare-one-line.lic", base + "\n", "accept", note="the bare compact JWS, as in the STARFACE module's Lizenz field")
vector("variant-bare-wrapped.lic", "\n".join(base[i : i + 50] for i in range(0, len(base), 50)) + "\n", "accept",
       note="the bare compact JWS, wrapped at 50 columns")
vector("variant-in-email.lic", "Guten Tag,\n\nanbei Ihre Lizenz:\n\n" + base_text + "\nMit freundlichen Grüßen\n", "accept",
       note="armored block inside the text of an e-mail")

# Rejected: changed signed bytes or signature.
flip_at = len(header_b64) + 1 + 40
flipped = base[:flip_at] + ("A" if base[flip_at] != "A" else "B") + base[flip_at + 1 :]
vector("reject-payload-changed.lic", armor(flipped, comments=comments), "reject", "jws.signature-invalid", 1, note="one payload character changed")
last = signature_b64[-1]
alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
noncanonical = alphabet[alphabet.index(last) | 1]  # same decoded bytes would need the low bits zero
vector("reject-signature-noncanonical.lic", armor(f"{header_b64}.{payload_b64}.{signature_b64[:-1]}{noncanonical}", comments=comments),
       "reject", "jws.malformed", 65, note="last signature character with non-zero unused bits (non-canonical base64url)")

# Rejected: headers that must not be trusted, each properly signed so the reason is the header.
vector("reject-alg-none.lic", armor(f"{b64u(json.dumps({'alg': 'none', 'kid': 'test-vector-ed25519', 'typ': 'cti-license+jwt'}, separators=(',', ':')).encode())}.{payload_b64}."),
       "reject", "jws.malformed", 65, note="alg none with an empty signature: not even a JWS ctictl reads")
vector("reject-alg-none-signed.lic", armor(sign({"alg": "none", "kid": "test-vector-ed25519", "typ": "cti-license+jwt"}, payload_b64, "test-vector-ed25519.pem")),
       "reject", "jws.alg-none", 1, note="alg none (with a signature attached anyway)")
vector("reject-wrong-typ.lic", armor(sign({"alg": "EdDSA", "kid": "test-vector-ed25519", "typ": "JWT"}, payload_b64, "test-vector-ed25519.pem")),
       "reject", "jws.wrong-type", 1, note="typ JWT instead of cti-license+jwt")
vector("reject-unknown-kid.lic", armor(sign({"alg": "EdDSA", "kid": "someone-else", "typ": "cti-license+jwt"}, payload_b64, "test-vector-ed25519.pem")),
       "reject", "jws.unknown-key", 1, note="kid not in the keyring")
vector("reject-alg-mismatch.lic", armor(sign({"alg": "ES256", "kid": "test-vector-ed25519", "typ": "cti-license+jwt"}, payload_b64, "test-vector-ed25519.pem")),
       "reject", "jws.alg-mismatch", 1, note="header says ES256, the key is Ed25519")
vector("reject-crit.lic", armor(sign({"alg": "EdDSA", "crit": ["exp"], "kid": "test-vector-ed25519", "typ": "cti-license+jwt"}, payload_b64, "test-vector-ed25519.pem")),
       "reject", "jws.crit-unsupported", 1, note="a crit extension ctictl does not implement")
duplicate = b64u(b'{"alg":"EdDSA","kid":"test-vector-ed25519","typ":"cti-license+jwt","alg":"none"}')
vector("reject-duplicate-header-member.lic", armor(f"{duplicate}.{payload_b64}.{signature_b64}"), "reject", "jws.header-malformed", 65,
       note="a header member given twice")

# Rejected: text that is not one license.
vector("reject-truncated.lic", base_text[: len(base_text) - 60], "reject", "armor.truncated", 65, note="the END line and more cut off")
vector("reject-two-licenses.lic", base_text + "\n" + (OUT / "perpetual-ed25519.lic").read_text(), "reject", "armor.multiple", 65, note="two licenses in one file")
vector("reject-empty.lic", b"", "reject", "armor.empty", 65, note="empty file")
vector("reject-binary.lic", bytes(range(256)) * 4, "reject", "armor.not-text", 65, note="binary garbage")

# Rejected by a policy: a valid signature, but not valid here and now.
vector("reject-expired.lic", base_text, "reject", "license.expired", 1, at="2031-01-15T00:00:00Z",
       note="the same license checked after its 14 grace days")
vector("reject-wrong-product.lic", base_text, "reject", "license.wrong-product", 1, product="crm-groupware", note="checked for another product")

(OUT / "manifest.json").write_text(json.dumps({"keyring": "keyring.jwks", "vectors": entries}, indent=2, ensure_ascii=False) + "\n")
print(f"{len(entries)} vectors")
