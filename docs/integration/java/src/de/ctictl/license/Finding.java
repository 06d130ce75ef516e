package de.ctictl.license;

/**
 * One thing a check found, with ctictl's stable code ({@code license.expired}), its message in
 * English and German, and what to do about it (null when there is nothing to do). The texts
 * are ctictl's, so the module says what ctictl says.
 */
public record Finding(Severity severity, String code, String message, String messageDe, String fix, String fixDe) {
    public enum Severity { ERROR, WARNING }

    static Finding error(String code, String en, String de, String fixEn, String fixDe) {
        return new Finding(Severity.ERROR, code, en, de, fixEn, fixDe);
    }

    static Finding error(String code, String en, String de) {
        return new Finding(Severity.ERROR, code, en, de, null, null);
    }

    static Finding warning(String code, String en, String de, String fixEn, String fixDe) {
        return new Finding(Severity.WARNING, code, en, de, fixEn, fixDe);
    }

    /** The message in German ({@code german}) or English. */
    public String message(boolean german) {
        return german ? messageDe : message;
    }

    /** What to do, in German or English; null when there is nothing to do. */
    public String fix(boolean german) {
        return german ? fixDe : fix;
    }
}
