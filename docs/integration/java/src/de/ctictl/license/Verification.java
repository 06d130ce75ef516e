package de.ctictl.license;

import java.util.List;

/** What a verification found: the status, every finding, and the claims once they can be trusted. */
public final class Verification {
    /** ctictl's statuses; exit statuses valid 0, valid with warnings 2, invalid 1. */
    public enum Status {
        VALID("valid", 0), VALID_WITH_WARNINGS("valid-with-warnings", 2), INVALID("invalid", 1);

        public final String text;
        public final int exitStatus;

        Status(String text, int exitStatus) {
            this.text = text;
            this.exitStatus = exitStatus;
        }
    }

    private final Status status;
    private final List<Finding> findings;
    private final LicenseClaims claims;

    Verification(List<Finding> findings, LicenseClaims claims) {
        this.findings = List.copyOf(findings);
        this.claims = claims;
        if (findings.stream().anyMatch(f -> f.severity() == Finding.Severity.ERROR)) {
            status = Status.INVALID;
        } else {
            status = findings.isEmpty() ? Status.VALID : Status.VALID_WITH_WARNINGS;
        }
    }

    public Status status() {
        return status;
    }

    /** May the product run? Valid, or valid with warnings (show those to the admin). */
    public boolean permitsUse() {
        return status != Status.INVALID;
    }

    public List<Finding> findings() {
        return findings;
    }

    /** The signed claims (seats, features, customer), or null when the signature did not verify. */
    public LicenseClaims claims() {
        return claims;
    }
}
