package de.ctictl.license;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The claims of a license (docs/license-format.md, "Claims"): registered JWT claims plus
 * {@code cti}. Read only after the signature verified; unknown members are ignored, a newer
 * profile version is refused, and so is anything beyond ctictl's claim limits.
 */
public final class LicenseClaims {
    /** One identity factor of a PBX ({@code instance-id}, {@code mac}, {@code hostname}). */
    public record PbxFactor(String kind, String value) {}

    /** {@code required} of the {@code factors} must match. */
    public record PbxBinding(List<PbxFactor> factors, long required) {}

    public static final int PROFILE_VERSION = 1;

    public final String iss;
    public final String sub;
    public final String jti;
    public final long iat;
    public final long nbf;
    /** Expiry (exclusive), or null for a perpetual license. */
    public final Long exp;
    public final long version;
    public final String product;
    public final List<String> features;
    public final long seats;
    public final PbxBinding pbx;
    public final LocalDate maintenanceUntil;
    public final Long graceDays;
    public final String customerName;
    public final String orderId;
    public final List<String> supersedes;

    private LicenseClaims(JsonObject root) throws JsonObject.MemberError {
        JsonObject cti = root.object("cti");
        JsonObject binding = cti.optionalObject("pbx");
        if (binding != null) {
            List<PbxFactor> factors = new ArrayList<>();
            for (JsonObject factor : binding.objectArray("factors")) factors.add(new PbxFactor(factor.string("kind"), factor.string("value")));
            Long required = binding.optionalInteger("required");
            pbx = new PbxBinding(List.copyOf(factors), required == null ? factors.size() : required);
        } else {
            pbx = null;
        }
        String maintenance = cti.optionalString("maintenance_until");
        maintenanceUntil = maintenance == null ? null : UtcTime.parseDay(maintenance);
        if (maintenance != null && maintenanceUntil == null) throw new JsonObject.MemberError("cti.maintenance_until", "must be a date YYYY-MM-DD");
        product = cti.string("product");
        List<String> featureList = cti.optionalStringArray("features");
        features = featureList == null ? List.of() : featureList;
        seats = cti.integer("seats");
        graceDays = cti.optionalInteger("grace_days");
        customerName = cti.optionalString("customer_name");
        orderId = cti.optionalString("order_id");
        supersedes = cti.optionalStringArray("supersedes");
        version = cti.integer("v");
        iss = root.string("iss");
        sub = root.string("sub");
        jti = root.string("jti");
        iat = root.integer("iat");
        nbf = root.integer("nbf");
        exp = root.optionalInteger("exp");
    }

    /** Reads the signed payload: malformed claims exit 65, a newer profile is refused (exit 1). */
    static LicenseClaims read(byte[] payload) throws LicenseException {
        LicenseClaims claims;
        try {
            claims = new LicenseClaims(new JsonObject(Json.parse(payload), ""));
        } catch (Json.SyntaxError error) {
            throw LicenseException.malformed("license.claims-malformed", "the license claims are not valid JSON (" + error.getMessage() + ")");
        } catch (JsonObject.MemberError error) {
            throw LicenseException.malformed("license.claims-malformed", "the license claims are not readable: " + error.getMessage());
        }
        if (claims.version > PROFILE_VERSION) {
            throw new LicenseException("license.profile-unsupported", 1,
                    "the license uses profile version " + claims.version + "; this verifier reads up to " + PROFILE_VERSION + ": update the verifier");
        }
        List<String> problems = ClaimLimits.problems(claims);
        if (!problems.isEmpty()) {
            throw LicenseException.malformed("license.claims-invalid", "the license breaks the claim limits: " + String.join("; ", problems));
        }
        return claims;
    }
}
