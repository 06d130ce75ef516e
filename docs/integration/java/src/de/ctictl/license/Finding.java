package de.ctictl.license;

/** One thing a check found, with ctictl's stable code ({@code license.expired}). */
public record Finding(Severity severity, String code, String message) {
    public enum Severity { ERROR, WARNING }

    static Finding error(String code, String message) {
        return new Finding(Severity.ERROR, code, message);
    }

    static Finding warning(String code, String message) {
        return new Finding(Severity.WARNING, code, message);
    }
}
