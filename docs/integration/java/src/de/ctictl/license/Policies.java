package de.ctictl.license;

import java.time.LocalDate;
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
        if (key.revoked) {
            findings.add(Finding.error("license.key-revoked", "Signing key \"" + key.kid + "\" is revoked; it verifies nothing.",
                    "Der Signaturschlüssel \"" + key.kid + "\" ist widerrufen; damit signierte Lizenzen gelten nicht.",
                    "Ask the vendor for a license signed by a current key.",
                    "Fordern Sie beim Hersteller eine mit einem aktuellen Schlüssel signierte Lizenz an."));
        }
        if (key.development && !inputs.allowDevelopmentKeys) {
            findings.add(Finding.error("license.development-key", "Signed by development key \"" + key.kid + "\", which is not accepted in production.",
                    "Mit dem Entwicklungsschlüssel \"" + key.kid + "\" signiert; im Produktivbetrieb ungültig.",
                    "Use a license signed by a production key, or pass --allow-development-keys for testing.",
                    "Verwenden Sie eine produktiv signierte Lizenz oder zum Testen --allow-development-keys."));
        }
        String issued = UtcTime.format(claims.iat);
        if (key.notBefore != null && claims.iat < key.notBefore) {
            String start = UtcTime.format(key.notBefore);
            findings.add(Finding.error("license.key-not-yet-valid", "Issued " + issued + ", before key \"" + key.kid + "\" became valid (" + start + ").",
                    "Ausgestellt " + issued + ", bevor Schlüssel \"" + key.kid + "\" gültig wurde (" + start + ")."));
        }
        if (key.expires != null && claims.iat >= key.expires) {
            String end = UtcTime.format(key.expires);
            findings.add(Finding.error("license.key-expired", "Issued " + issued + ", after key \"" + key.kid + "\" expired (" + end + ").",
                    "Ausgestellt " + issued + ", nachdem Schlüssel \"" + key.kid + "\" abgelaufen war (" + end + ")."));
        }
    }

    /** Not before nbf, not after exp, with the license's grace days as a warning period. */
    private static void validity(LicenseClaims claims, CheckInputs inputs, List<Finding> findings) {
        if (inputs.now < claims.nbf) {
            String start = UtcTime.format(claims.nbf);
            findings.add(Finding.error("license.not-yet-valid", "The license is valid from " + start + " only.", "Die Lizenz gilt erst ab " + start + ".",
                    "Check the computer's clock, or wait until the start date.",
                    "Prüfen Sie die Uhrzeit des Rechners oder warten Sie bis zum Gültigkeitsbeginn."));
            return;
        }
        if (claims.exp == null || inputs.now < claims.exp) return;
        String end = UtcTime.format(claims.exp);
        long grace = (claims.graceDays == null ? 0 : claims.graceDays) * 86_400;
        if (inputs.now < claims.exp + grace) {
            String graceEnd = UtcTime.format(claims.exp + grace);
            findings.add(Finding.warning("license.in-grace-period",
                    "The license expired at " + end + "; it keeps working in its grace period until " + graceEnd + ".",
                    "Die Lizenz ist am " + end + " abgelaufen; sie gilt in der Kulanzfrist noch bis " + graceEnd + ".",
                    "Renew the license before the grace period ends.", "Verlängern Sie die Lizenz vor Ende der Kulanzfrist."));
        } else {
            findings.add(Finding.error("license.expired", "The license expired at " + end + ".", "Die Lizenz ist am " + end + " abgelaufen.",
                    "Renew the license.", "Verlängern Sie die Lizenz."));
        }
    }

    private static void product(LicenseClaims claims, CheckInputs inputs, List<Finding> findings) {
        String wanted = inputs.product;
        if (wanted == null || same(wanted, claims.product)) return;
        findings.add(Finding.error("license.wrong-product", "The license is for product \"" + claims.product + "\", not \"" + wanted + "\".",
                "Die Lizenz gilt für das Produkt \"" + claims.product + "\", nicht für \"" + wanted + "\".",
                "Install the license for " + wanted + ".", "Spielen Sie die Lizenz für " + wanted + " ein."));
    }

    /** A bound license needs {@code required} of its PBX factors to match what this installation sees. */
    private static void pbxBinding(LicenseClaims claims, CheckInputs inputs, List<Finding> findings) {
        LicenseClaims.PbxBinding binding = claims.pbx;
        if (binding == null) return;
        if (inputs.pbxFactors.isEmpty()) {
            findings.add(Finding.warning("license.pbx-not-checked",
                    "The license is bound to a PBX, but no PBX identity was given, so the binding was not checked.",
                    "Die Lizenz ist an eine TK-Anlage gebunden, aber es wurde keine Anlagen-Kennung angegeben; die Bindung wurde nicht geprüft.",
                    "Pass --pbx-id (and the other factors) of this PBX.", "Geben Sie --pbx-id der Anlage an."));
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
        int count = binding.factors().size();
        String summary = matched.size() + " of " + count + " factors match (" + binding.required() + " required)";
        String summaryDe = matched.size() + " von " + count + " Merkmalen stimmen überein (" + binding.required() + " erforderlich)";
        if (!changed.isEmpty()) {
            summary += "; changed: " + String.join(", ", changed);
            summaryDe += "; geändert: " + String.join(", ", changed);
        }
        if (!unknown.isEmpty()) {
            summary += "; not observed: " + String.join(", ", unknown);
            summaryDe += "; nicht ermittelt: " + String.join(", ", unknown);
        }
        if (matched.size() >= binding.required()) {
            if (!changed.isEmpty()) findings.add(new Finding(Finding.Severity.WARNING, "license.pbx-factor-changed", summary + ".", summaryDe + ".", null, null));
            return;
        }
        findings.add(Finding.error("license.pbx-mismatch", "The license is bound to another PBX: " + summary + ".",
                "Die Lizenz ist an eine andere TK-Anlage gebunden: " + summaryDe + ".",
                "After a PBX change, ask the vendor to re-issue the license for the new PBX.",
                "Lassen Sie die Lizenz nach einem Anlagenwechsel vom Hersteller für die neue Anlage neu ausstellen."));
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
        long users = inputs.activeUsers;
        long missing = users - claims.seats;
        findings.add(Finding.error("license.seats-exceeded", users + " active users, but the license covers " + claims.seats + ".",
                users + " aktive Benutzer, die Lizenz umfasst aber nur " + claims.seats + ".",
                "Buy " + missing + " more seat" + (missing == 1 ? "" : "s") + ", or remove the UCI right from users who do not need it.",
                "Erwerben Sie " + missing + " weitere Lizenz(en) oder entziehen Sie Benutzern, die es nicht brauchen, das Recht \"UCI\"."));
    }

    /**
     * A license with maintenance covers every release published up to its maintenance date.
     * (ctictl also names the newest release still covered when it has the product's release
     * catalog; the module has none.)
     */
    private static void maintenance(LicenseClaims claims, CheckInputs inputs, List<Finding> findings) {
        LocalDate until = claims.maintenanceUntil;
        LocalDate release = inputs.releaseDate;
        if (until == null || release == null || !release.isAfter(until)) return;
        findings.add(Finding.error("license.maintenance-expired",
                "This release was published " + release + "; the license covers releases published up to " + until + ".",
                "Diese Version erschien am " + release + "; die Lizenz deckt Versionen bis zum " + until + " ab.",
                "Install a release published on or before " + until + ", or renew the maintenance.",
                "Installieren Sie eine Version, die bis zum " + until + " erschienen ist, oder verlängern Sie die Wartung."));
    }

    /** A license issued after "now" (beyond the allowed skew) means the clock is behind. */
    private static void clock(LicenseClaims claims, CheckInputs inputs, List<Finding> findings) {
        if (!inputs.nowIsFromClock || claims.iat <= inputs.now + ALLOWED_SKEW) return;
        String issued = UtcTime.format(claims.iat);
        String now = UtcTime.format(inputs.now);
        findings.add(Finding.error("clock.license-from-future", "The license was issued " + issued + ", after the clock's " + now + ": the clock is behind.",
                "Die Lizenz wurde am " + issued + " ausgestellt, nach der Uhrzeit des Rechners (" + now + "): Die Uhr geht nach.",
                "Set the computer's date and time correctly.", "Stellen Sie Datum und Uhrzeit des Rechners richtig ein."));
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
