package de.ctictl.license;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * ctictl's policies for a license whose signature verified (docs/policies.md), in ctictl's
 * order: signing key, validity, product, PBX binding, seats, maintenance, clock. Revocation
 * lists and the clock's high-water mark (a state file) are ctictl's and the client's; the
 * module does not keep them.
 */
final class Policies {
    /** How far a license's issue time may lie ahead of the clock. */
    static final long ALLOWED_SKEW = 3600;

    private Policies() {}

    static List<Finding> evaluate(LicenseClaims claims, TrustedKey key, CheckInputs inputs) {
        List<Finding> findings = new ArrayList<>();
        signingKey(claims, key, inputs, findings);
        validity(claims, inputs, findings);
        product(claims, inputs, findings);
        pbxBinding(claims, inputs, findings);
        seats(claims, inputs, findings);
        maintenance(claims, inputs, findings);
        clock(claims, inputs, findings);
        return findings;
    }

    /** Not revoked, not a development key in production, the license issued in the key's window. */
    private static void signingKey(LicenseClaims claims, TrustedKey key, CheckInputs inputs, List<Finding> findings) {
        if (key.revoked) findings.add(Finding.error("license.key-revoked", "Signing key \"" + key.kid + "\" is revoked; it verifies nothing."));
        if (key.development && !inputs.allowDevelopmentKeys) {
            findings.add(Finding.error("license.development-key", "Signed by development key \"" + key.kid + "\", which is not accepted in production."));
        }
        if (key.notBefore != null && claims.iat < key.notBefore) {
            findings.add(Finding.error("license.key-not-yet-valid", "Issued " + UtcTime.format(claims.iat) + ", before key \"" + key.kid
                    + "\" became valid (" + UtcTime.format(key.notBefore) + ")."));
        }
        if (key.expires != null && claims.iat >= key.expires) {
            findings.add(Finding.error("license.key-expired", "Issued " + UtcTime.format(claims.iat) + ", after key \"" + key.kid
                    + "\" expired (" + UtcTime.format(key.expires) + ")."));
        }
    }

    /** Not before nbf, not after exp, with the license's grace days as a warning period. */
    private static void validity(LicenseClaims claims, CheckInputs inputs, List<Finding> findings) {
        if (inputs.now < claims.nbf) {
            findings.add(Finding.error("license.not-yet-valid", "The license is valid from " + UtcTime.format(claims.nbf) + " only."));
            return;
        }
        if (claims.exp == null || inputs.now < claims.exp) return;
        long grace = (claims.graceDays == null ? 0 : claims.graceDays) * 86_400;
        if (inputs.now < claims.exp + grace) {
            findings.add(Finding.warning("license.in-grace-period", "The license expired at " + UtcTime.format(claims.exp)
                    + "; it keeps working in its grace period until " + UtcTime.format(claims.exp + grace) + "."));
        } else {
            findings.add(Finding.error("license.expired", "The license expired at " + UtcTime.format(claims.exp) + "."));
        }
    }

    private static void product(LicenseClaims claims, CheckInputs inputs, List<Finding> findings) {
        if (inputs.product == null || same(inputs.product, claims.product)) return;
        findings.add(Finding.error("license.wrong-product", "The license is for product \"" + claims.product + "\", not \"" + inputs.product + "\"."));
    }

    /** A bound license needs {@code required} of its PBX factors to match what this installation sees. */
    private static void pbxBinding(LicenseClaims claims, CheckInputs inputs, List<Finding> findings) {
        LicenseClaims.PbxBinding binding = claims.pbx;
        if (binding == null) return;
        if (inputs.pbxFactors.isEmpty()) {
            findings.add(Finding.warning("license.pbx-not-checked",
                    "The license is bound to a PBX, but no PBX identity was given, so the binding was not checked."));
            return;
        }
        List<String> matched = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (LicenseClaims.PbxFactor factor : binding.factors()) {
            List<LicenseClaims.PbxFactor> observed = inputs.pbxFactors.stream().filter(seen -> same(seen.kind(), factor.kind())).toList();
            if (observed.isEmpty()) {
                unknown.add(factor.kind());
            } else if (observed.stream().anyMatch(seen -> sameFactor(factor, seen))) {
                matched.add(factor.kind());
            } else {
                changed.add(factor.kind());
            }
        }
        String summary = matched.size() + " of " + binding.factors().size() + " factors match (" + binding.required() + " required)";
        if (!changed.isEmpty()) summary += "; changed: " + String.join(", ", changed);
        if (!unknown.isEmpty()) summary += "; not observed: " + String.join(", ", unknown);
        if (matched.size() >= binding.required()) {
            if (!changed.isEmpty()) findings.add(Finding.warning("license.pbx-factor-changed", summary + "."));
            return;
        }
        findings.add(Finding.error("license.pbx-mismatch", "The license is bound to another PBX: " + summary + "."));
    }

    /**
     * Factors are compared after trimming whitespace; MAC addresses case-insensitively with
     * {@code -} and {@code :} alike, host names case-insensitively without a trailing dot.
     */
    static boolean sameFactor(LicenseClaims.PbxFactor bound, LicenseClaims.PbxFactor observed) {
        String a = trim(bound.value());
        String b = trim(observed.value());
        switch (bound.kind()) {
            case "mac":
                return same(a.toLowerCase(Locale.ROOT).replace('-', ':'), b.toLowerCase(Locale.ROOT).replace('-', ':'));
            case "hostname":
                return same(dropTrailingDot(a.toLowerCase(Locale.ROOT)), dropTrailingDot(b.toLowerCase(Locale.ROOT)));
            default:
                return same(a, b);
        }
    }

    private static void seats(LicenseClaims claims, CheckInputs inputs, List<Finding> findings) {
        if (inputs.activeUsers == null || inputs.activeUsers <= claims.seats) return;
        findings.add(Finding.error("license.seats-exceeded", inputs.activeUsers + " active users, but the license covers " + claims.seats + "."));
    }

    /** A license with maintenance covers every release published up to its maintenance date. */
    private static void maintenance(LicenseClaims claims, CheckInputs inputs, List<Finding> findings) {
        if (claims.maintenanceUntil == null || inputs.releaseDate == null || !inputs.releaseDate.isAfter(claims.maintenanceUntil)) return;
        findings.add(Finding.error("license.maintenance-expired", "This release was published " + inputs.releaseDate
                + "; the license covers releases published up to " + claims.maintenanceUntil + "."));
    }

    /** A license issued after "now" (beyond the allowed skew) means the clock is behind. */
    private static void clock(LicenseClaims claims, CheckInputs inputs, List<Finding> findings) {
        if (!inputs.nowIsFromClock || claims.iat <= inputs.now + ALLOWED_SKEW) return;
        findings.add(Finding.error("clock.license-from-future", "The license was issued " + UtcTime.format(claims.iat) + ", after the clock's "
                + UtcTime.format(inputs.now) + ": the clock is behind."));
    }

    /** String equality as ctictl (Swift) has it: by canonical equivalence. */
    static boolean same(String a, String b) {
        return Json.canonical(a).equals(Json.canonical(b));
    }

    /** Without Unicode whitespace (White_Space, no-break spaces included) at both ends. */
    private static String trim(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isUnicodeWhitespace(text.codePointAt(start))) start += Character.charCount(text.codePointAt(start));
        while (end > start && isUnicodeWhitespace(text.codePointBefore(end))) end -= Character.charCount(text.codePointBefore(end));
        return text.substring(start, end);
    }

    /** Unicode's White_Space property (what Swift's isWhitespace tests). */
    private static boolean isUnicodeWhitespace(int c) {
        return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A)
                || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
    }

    private static String dropTrailingDot(String text) {
        return text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
    }
}
