package de.ctictl.license;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A JWS in compact serialization, parsed but not verified: its protected header (untrusted
 * until the signature is checked), the signed bytes, payload and signature.
 */
final class CompactJws {
    final String alg;
    final String kid;
    final String typ;
    /** The {@code crit} member, or null when there is none (an empty list is still a crit). */
    final List<String> crit;
    /** The ASCII bytes {@code header.payload}: what the signature covers. */
    final byte[] signingInput;
    final byte[] payload;
    final byte[] signature;

    CompactJws(String compact) throws LicenseException {
        byte[] bytes = compact.getBytes(StandardCharsets.US_ASCII);
        int first = compact.indexOf('.');
        int second = first < 0 ? -1 : compact.indexOf('.', first + 1);
        long dots = compact.chars().filter(c -> c == '.').count();
        if (dots != 2) {
            throw LicenseException.malformed("jws.malformed", "a JWS has three parts separated by two dots; found " + (dots + 1) + " parts");
        }
        byte[] header = decodePart(bytes, 0, first, "header (part 1)");
        payload = decodePart(bytes, first + 1, second, "payload (part 2)");
        signature = decodePart(bytes, second + 1, bytes.length, "signature (part 3)");
        signingInput = Arrays.copyOfRange(bytes, 0, second);
        try {
            JsonObject members = new JsonObject(Json.parse(header), "header");
            alg = members.string("alg");
            kid = members.optionalString("kid");
            typ = members.optionalString("typ");
            crit = members.optionalStringArray("crit");
        } catch (Json.SyntaxError error) {
            throw LicenseException.malformed("jws.header-malformed", "the JWS header is not valid JSON (" + error.getMessage() + ")");
        } catch (JsonObject.MemberError error) {
            throw LicenseException.malformed("jws.header-malformed", "the JWS header is not readable: " + error.getMessage());
        }
    }

    private static byte[] decodePart(byte[] bytes, int from, int to, String name) throws LicenseException {
        byte[] decoded = Base64Url.decode(bytes, from, to);
        if (decoded == null || decoded.length == 0) throw LicenseException.malformed("jws.malformed", "the " + name + " is not valid base64url");
        return decoded;
    }
}
