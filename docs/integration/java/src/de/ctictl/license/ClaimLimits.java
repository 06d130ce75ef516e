package de.ctictl.license;

import java.util.ArrayList;
import java.util.List;

/**
 * The limits every license stays within (ctictl's {@code ClaimLimits.standard},
 * docs/license-format.md, "Limits"): ctictl issues nothing beyond them and refuses anything
 * beyond them ({@code license.claims-invalid}).
 */
final class ClaimLimits {
    static final int ID_LENGTH = 128;
    static final int NAME_LENGTH = 200;
    static final int FEATURE_COUNT = 64;
    static final int FEATURE_LENGTH = 64;
    static final int PBX_FACTOR_COUNT = 8;
    static final int SUPERSEDES_COUNT = 16;
    static final long LAST_INSTANT = 253_402_300_799L;
    /** The largest token (compact JWS) accepted: 64 KiB. */
    static final int TOKEN_BYTES = 64 << 10;
    /** The largest input file: 1 MiB (text around the token, as an e-mail, counts here only). */
    static final int FILE_BYTES = 1 << 20;

    private ClaimLimits() {}

    /** Every way the claims break the limits, as sentences naming the claim; empty when none. */
    static List<String> problems(LicenseClaims claims) {
        List<String> found = new ArrayList<>();
        text(found, claims.iss, "iss", ID_LENGTH, false);
        text(found, claims.sub, "sub", ID_LENGTH, false);
        if (claims.customerName != null) text(found, claims.customerName, "cti.customer_name", NAME_LENGTH, true);
        text(found, claims.jti, "jti", ID_LENGTH, false);
        range(found, claims.iat, "iat", 0, LAST_INSTANT);
        text(found, claims.product, "cti.product", ID_LENGTH, false);
        count(found, claims.features.size(), "cti.features", FEATURE_COUNT);
        for (String feature : claims.features) text(found, feature, "cti.features", FEATURE_LENGTH, false);
        range(found, claims.seats, "cti.seats", 1, 1_000_000);
        if (claims.pbx != null) {
            int factors = claims.pbx.factors().size();
            if (factors == 0) found.add("claim cti.pbx.factors is empty");
            count(found, factors, "cti.pbx.factors", PBX_FACTOR_COUNT);
            for (LicenseClaims.PbxFactor factor : claims.pbx.factors()) {
                text(found, factor.kind(), "cti.pbx.factors", ID_LENGTH, false);
                text(found, factor.value(), "cti.pbx.factors", ID_LENGTH, false);
            }
            if (factors > 0) range(found, claims.pbx.required(), "cti.pbx.required", 1, factors);
        }
        range(found, claims.nbf, "nbf", 0, LAST_INSTANT);
        if (claims.exp != null) {
            range(found, claims.exp, "exp", 0, LAST_INSTANT);
            if (claims.exp <= claims.nbf) found.add("claim exp " + UtcTime.format(claims.exp) + " is not after claim nbf " + UtcTime.format(claims.nbf));
        }
        if (claims.graceDays != null) range(found, claims.graceDays, "cti.grace_days", 0, 365);
        if (claims.orderId != null) text(found, claims.orderId, "cti.order_id", ID_LENGTH, false);
        if (claims.supersedes != null) {
            count(found, claims.supersedes.size(), "cti.supersedes", SUPERSEDES_COUNT);
            for (String serial : claims.supersedes) text(found, serial, "cti.supersedes", ID_LENGTH, false);
        }
        return found;
    }

    /**
     * Text: not empty (unless allowed), no control character (C0, DEL, C1: they could rewrite a
     * terminal or a log), at most {@code limit} characters (Unicode scalar values).
     */
    private static void text(List<String> found, String value, String claim, int limit, boolean mayBeEmpty) {
        if (value.isEmpty() && !mayBeEmpty) {
            found.add("claim " + claim + " is empty");
            return;
        }
        int control = value.codePoints().filter(c -> c < 0x20 || (c >= 0x7F && c <= 0x9F)).findFirst().orElse(-1);
        if (control >= 0) {
            found.add("claim " + claim + " contains the control character " + String.format("U+%04X", control));
            return;
        }
        long length = value.codePoints().count();
        if (length > limit) found.add("claim " + claim + " is " + length + " characters long; at most " + limit + " are allowed");
    }

    private static void count(List<String> found, int count, String claim, int limit) {
        if (count > limit) found.add("claim " + claim + " has " + count + " entries; at most " + limit + " are allowed");
    }

    private static void range(List<String> found, long value, String claim, long lowest, long highest) {
        if (value < lowest || value > highest) found.add("claim " + claim + " is " + value + "; it must be " + lowest + " to " + highest);
    }
}
