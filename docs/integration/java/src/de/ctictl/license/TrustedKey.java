package de.ctictl.license;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A public key of the keyring (a JWK, RFC 7517, with ctictl's members {@code status},
 * {@code env}, {@code nbf}, {@code exp}), read as strictly as ctictl reads it, and the
 * signature check of its algorithm with {@code java.security}.
 */
public final class TrustedKey {
    /** EdDSA (Ed25519) or ES256 (P-256, SHA-256), the algorithms ctictl signs with. */
    public enum Algorithm {
        EDDSA("EdDSA", List.of("EdDSA", "Ed25519")),
        ES256("ES256", List.of("ES256"));

        final String name;
        /** The header {@code alg} values a key of this algorithm verifies (RFC 9864's {@code Ed25519} too). */
        final List<String> headerNames;

        Algorithm(String name, List<String> headerNames) {
            this.name = name;
            this.headerNames = headerNames;
        }
    }

    // SubjectPublicKeyInfo prefixes: the raw key appended makes the DER java.security reads.
    private static final byte[] ED25519_SPKI = hex("302a300506032b6570032100");
    private static final byte[] P256_SPKI = hex("3059301306072a8648ce3d020106082a8648ce3d030107034200");
    // P-256: field prime, curve coefficient b, group order n, and n/2 (the largest low s).
    private static final BigInteger P = new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger B = new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);
    static final BigInteger HALF_ORDER = new BigInteger("7fffffff800000007fffffffffffffffde737d56d38bcf4279dce5617e3192a8", 16);

    final String kid;
    final Algorithm algorithm;
    final PublicKey key;
    final boolean revoked;
    final boolean development;
    /** The key's validity window (seconds since 1970), or null. */
    final Long notBefore;
    final Long expires;

    /** Reads one JWK object; {@code context} names it in errors ("keyring.jwks: keys[2]"). */
    TrustedKey(Map<String, Object> members, String context) throws LicenseException {
        String location = context;
        if (members.containsKey("d")) {
            throw invalid(location, "contains a private key (member \"d\"); a keyring holds public keys only — remove it and treat that key as exposed");
        }
        kid = string(members, "kid", location);
        if (kid.isEmpty()) throw invalid(location, "member \"kid\" is empty");
        location = context + " (kid \"" + kid + "\")";
        String kty = string(members, "kty", location);
        String crv = string(members, "crv", location);
        if (kty.equals("OKP") && crv.equals("Ed25519")) {
            algorithm = Algorithm.EDDSA;
            key = publicKey("Ed25519", concat(ED25519_SPKI, coordinate(members, "x", location)), location);
        } else if (kty.equals("EC") && crv.equals("P-256")) {
            algorithm = Algorithm.ES256;
            byte[] x = coordinate(members, "x", location);
            byte[] y = coordinate(members, "y", location);
            if (!onP256(new BigInteger(1, x), new BigInteger(1, y))) throw invalid(location, "members \"x\" and \"y\" are not a point on P-256");
            key = publicKey("EC", concat(P256_SPKI, concat(new byte[] {0x04}, concat(x, y))), location);
        } else {
            throw invalid(location, "unsupported key type kty \"" + kty + "\" crv \"" + crv + "\" (supported: OKP/Ed25519, EC/P-256)");
        }
        if (members.containsKey("alg")) {
            Object alg = members.get("alg");
            if (!(alg instanceof String) || !algorithm.headerNames.contains((String) alg)) {
                throw invalid(location, "member \"alg\" does not fit the key, which is for " + algorithm.name);
            }
        }
        if (members.containsKey("use") && !"sig".equals(members.get("use"))) throw invalid(location, "member \"use\" must be \"sig\"");
        revoked = "revoked".equals(choice(members, "status", List.of("active", "retired", "revoked"), "active", location));
        development = "development".equals(choice(members, "env", List.of("production", "development"), "production", location));
        notBefore = date(members, "nbf", location);
        expires = date(members, "exp", location);
    }

    /**
     * Whether {@code signature} (the JOSE form: Ed25519's 64 bytes, or ES256's r || s) signs
     * {@code message}. ES256 signatures are checked for a low s before this (see
     * {@link #hasHighS}).
     */
    boolean isValidSignature(byte[] signature, byte[] message) {
        try {
            Signature verifier;
            byte[] encoded;
            if (algorithm == Algorithm.EDDSA) {
                verifier = Signature.getInstance("Ed25519");
                encoded = signature;
            } else {
                if (signature.length != 64) return false;
                verifier = Signature.getInstance("SHA256withECDSA");
                encoded = derSignature(signature);
            }
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(encoded);
        } catch (GeneralSecurityException | RuntimeException e) {
            // A signature java.security cannot even parse is not a valid one.
            return false;
        }
    }

    /**
     * Whether an ES256 signature has the high s (s greater than n/2): the malleable twin of a
     * valid signature, which ctictl refuses. Another length is left to the signature check.
     */
    static boolean hasHighS(byte[] signature) {
        if (signature.length != 64) return false;
        return new BigInteger(1, Arrays.copyOfRange(signature, 32, 64)).compareTo(HALF_ORDER) > 0;
    }

    /** JOSE's r || s as the DER SEQUENCE of two INTEGERs that SHA256withECDSA reads. */
    static byte[] derSignature(byte[] signature) {
        byte[] r = new BigInteger(1, Arrays.copyOfRange(signature, 0, 32)).toByteArray();
        byte[] s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64)).toByteArray();
        // Each INTEGER is at most 33 bytes, so every length fits in one byte.
        byte[] body = concat(concat(new byte[] {0x02, (byte) r.length}, r), concat(new byte[] {0x02, (byte) s.length}, s));
        return concat(new byte[] {0x30, (byte) body.length}, body);
    }

    /** y² = x³ − 3x + b (mod p), both coordinates below p. */
    private static boolean onP256(BigInteger x, BigInteger y) {
        if (x.compareTo(P) >= 0 || y.compareTo(P) >= 0) return false;
        BigInteger right = x.pow(3).subtract(x.multiply(BigInteger.valueOf(3))).add(B).mod(P);
        return y.pow(2).mod(P).equals(right);
    }

    private static PublicKey publicKey(String algorithm, byte[] spki, String location) throws LicenseException {
        try {
            return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw invalid(location, "the key cannot be read (" + e.getMessage() + ")");
        }
    }

    private static String string(Map<String, Object> members, String name, String location) throws LicenseException {
        if (!members.containsKey(name)) throw invalid(location, "member \"" + name + "\" is missing");
        if (!(members.get(name) instanceof String)) throw invalid(location, "member \"" + name + "\" must be a string");
        return (String) members.get(name);
    }

    private static byte[] coordinate(Map<String, Object> members, String name, String location) throws LicenseException {
        byte[] bytes = Base64Url.decode(string(members, name, location));
        if (bytes == null) throw invalid(location, "member \"" + name + "\" is not valid base64url");
        if (bytes.length != 32) throw invalid(location, "member \"" + name + "\" must decode to 32 bytes, found " + bytes.length);
        return bytes;
    }

    private static String choice(Map<String, Object> members, String name, List<String> allowed, String fallback, String location)
            throws LicenseException {
        if (!members.containsKey(name)) return fallback;
        Object value = members.get(name);
        if (!(value instanceof String) || !allowed.contains((String) value)) {
            throw invalid(location, "member \"" + name + "\" must be one of " + String.join(", ", allowed));
        }
        return (String) value;
    }

    private static Long date(Map<String, Object> members, String name, String location) throws LicenseException {
        if (!members.containsKey(name)) return null;
        Object value = members.get(name);
        if (!(value instanceof Double) || !JsonObject.isInteger((Double) value, 1e12) || Math.abs((Double) value) >= 1e12) {
            throw invalid(location, "member \"" + name + "\" must be a NumericDate (seconds since 1970)");
        }
        return (long) (double) (Double) value;
    }

    private static LicenseException invalid(String location, String detail) {
        return LicenseException.malformed("keyring.key-invalid", location + ": " + detail);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text);
    }
}
