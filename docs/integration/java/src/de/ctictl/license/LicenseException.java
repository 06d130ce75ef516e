package de.ctictl.license;

/**
 * A license (or keyring) that cannot be checked at all, with ctictl's stable code
 * ({@code armor.empty}, {@code jws.malformed}, {@code keyring.key-invalid}) and exit status:
 * 65 for unreadable input, 1 for a readable license that is refused
 * ({@code license.profile-unsupported}).
 */
public final class LicenseException extends Exception {
        private static final long serialVersionUID = 1L;

    private final String code;
    private final int exitStatus;

    LicenseException(String code, int exitStatus, String message) {
        super(message);
        this.code = code;
        this.exitStatus = exitStatus;
    }

    /** Unreadable input: exit status 65. */
    static LicenseException malformed(String code, String message) {
        return new LicenseException(code, 65, message);
    }

    public String code() {
        return code;
    }

    public int exitStatus() {
        return exitStatus;
    }
}
