package de.ctictl.license;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Verifies CTI licenses exactly as {@code ctictl license verify} does, with nothing but the
 * Java 17 platform: the text armor's reading rules, the JWS (Ed25519 or ES256 through
 * {@code java.security}, the algorithm taken from the trusted key), the claims and their
 * limits, and the policies (signing key, validity and grace, product, PBX binding, seats,
 * maintenance, clock). The format: docs/license-format.md; how the STARFACE module uses it:
 * docs/integration/java/README.md.
 *
 * <p>Thread-safe: it holds only the immutable keyring.
 */
public final class CtiLicenseVerifier {
    /** The JWS {@code typ} of a license. */
    static final String TYPE = "cti-license+jwt";

    private final Keyring keyring;

    public CtiLicenseVerifier(Keyring keyring) {
        this.keyring = keyring;
    }

    /** Verifies the text of the module's "Lizenz" field (armored or the bare compact JWS). */
    public Verification verify(String licenseText, CheckInputs inputs) throws LicenseException {
        return verify(licenseText.getBytes(StandardCharsets.UTF_8), inputs);
    }

    /**
     * Verifies the bytes of a license file. Unreadable input throws (exit status 65, or 1 for
     * {@code license.profile-unsupported}); a readable license that fails a check comes back
     * as a verification with status {@code INVALID} and the findings.
     */
    public Verification verify(byte[] text, CheckInputs inputs) throws LicenseException {
        if (text.length > ClaimLimits.FILE_BYTES) {
            throw LicenseException.malformed("file.too-large", "the license text is " + text.length + " bytes, more than the "
                    + ClaimLimits.FILE_BYTES + " bytes allowed; is it the right file?");
        }
        Armor.Text armored = Armor.read(text);
        // The token, not the text around it: a license quoted in a long e-mail still verifies.
        if (armored.compact().length() > ClaimLimits.TOKEN_BYTES) {
            throw LicenseException.malformed("license.too-large", "the license has " + armored.compact().length() + " bytes; a license has at most "
                    + ClaimLimits.TOKEN_BYTES + ": is this the right file?");
        }
        CompactJws jws = new CompactJws(armored.compact());
        TrustedKey key = jws.kid == null ? null : keyring.key(jws.kid);
        Finding refusal = signatureRefusal(jws, key);
        if (refusal != null) return new Verification(List.of(refusal), null);
        // Only now, with the signature checked, are the claims read.
        LicenseClaims claims = LicenseClaims.read(jws.payload);
        return new Verification(Policies.evaluate(claims, key, inputs), claims);
    }

    /**
     * Why the signature is refused, or null when {@code key} (the trusted key found by the
     * header's {@code kid}) verifies it. The algorithm is the key's; the header only names it.
     */
    private Finding signatureRefusal(CompactJws jws, TrustedKey key) {
        if (jws.alg.toLowerCase(Locale.ROOT).equals("none")) {
            return refusal("jws.alg-none", "the header says alg \"none\" (unsigned); unsigned files are never accepted");
        }
        if (jws.crit != null) {
            return refusal("jws.crit-unsupported", "the header requires extensions this verifier does not implement: " + String.join(", ", jws.crit));
        }
        if (jws.typ == null || !Policies.same(jws.typ.toLowerCase(Locale.ROOT), TYPE)) {
            return refusal("jws.wrong-type", "the header's typ is " + (jws.typ == null ? "missing" : "\"" + jws.typ + "\"")
                    + ", expected \"" + TYPE + "\"; is this the right kind of file?");
        }
        if (jws.kid == null) return refusal("jws.kid-missing", "the header names no key (kid)");
        if (key == null) {
            return refusal("jws.unknown-key", "signed by key \"" + jws.kid + "\", which is not in the keyring (known: "
                    + (keyring.kids().isEmpty() ? "none" : String.join(", ", keyring.kids())) + "); pass the keyring that holds it");
        }
        if (!key.algorithm.headerNames.contains(jws.alg)) {
            return refusal("jws.alg-mismatch", "the header says alg \"" + jws.alg + "\" but key \"" + key.kid + "\" is an "
                    + key.algorithm.name + " key; the file was altered or signed wrongly");
        }
        if (key.algorithm == TrustedKey.Algorithm.ES256 && TrustedKey.hasHighS(jws.signature)) {
            return refusal("jws.signature-high-s", "the ES256 signature has a high s (the malleable twin of a valid one); only low-s signatures are accepted");
        }
        if (!key.isValidSignature(jws.signature, jws.signingInput)) {
            return refusal("jws.signature-invalid", "the signature does not match the content: the file was altered after signing, or signed by another key");
        }
        return null;
    }

    /** A refused signature, with ctictl's German text and fix for its code. */
    private static Finding refusal(String code, String message) {
        String german = switch (code) {
            case "jws.signature-invalid" ->
                "Die Signatur passt nicht zum Inhalt: Die Lizenz wurde nach dem Signieren verändert oder mit einem anderen Schlüssel signiert.";
            case "jws.signature-high-s" ->
                "Die ES256-Signatur hat ein hohes s (der verformbare Zwilling einer gültigen Signatur); ctictl nimmt nur die Form mit niedrigem s an.";
            case "jws.unknown-key" -> "Die Lizenz wurde mit einem Schlüssel signiert, der nicht im Schlüsselbund steht.";
            case "jws.alg-none" -> "Die Lizenz ist nicht signiert (alg \"none\"); unsignierte Lizenzen werden nie angenommen.";
            case "jws.alg-mismatch" -> "Der Algorithmus im Kopf passt nicht zum Schlüssel; die Datei wurde verändert.";
            case "jws.wrong-type" -> "Die Datei ist keine Lizenz (falscher typ im Kopf).";
            case "jws.crit-unsupported" -> "Die Lizenz verlangt Erweiterungen, die ctictl nicht kennt.";
            case "jws.kid-missing" -> "Die Lizenz nennt keinen Schlüssel (kid).";
            default -> "Die Signatur der Lizenz ist ungültig.";
        };
        return Finding.error(code, message, german, "Use the license file exactly as the vendor sent it, with the keyring of this product.",
                "Verwenden Sie die Lizenzdatei unverändert, wie vom Hersteller geliefert, mit dem Schlüsselbund dieses Produkts.");
    }

    /** The command line: see {@link VerifierCommand}. */
    public static void main(String[] arguments) {
        // UTF-8 whatever the locale says: the German texts must not turn into question marks.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        System.exit(new VerifierCommand(out, err).run(arguments));
    }
}
