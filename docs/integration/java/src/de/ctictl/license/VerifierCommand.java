package de.ctictl.license;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The command line, for trying the verifier and for comparing it with ctictl:
 *
 * <pre>
 * java -cp classes de.ctictl.license.CtiLicenseVerifier --keyring FILE [--product P]
 *     [--pbx-id ID] [--pbx-mac MAC] [--pbx-hostname NAME] [--at INSTANT]
 *     [--active-users N] [--release-date YYYY-MM-DD] [--allow-development-keys] [--lang en|de] FILE...
 * </pre>
 *
 * For each file one line {@code FILE: STATUS} (valid, valid-with-warnings, invalid or
 * unreadable), then one line per finding, {@code   error CODE: message} or
 * {@code   warning CODE: message}, each followed by {@code     fix: what to do} where there is
 * something to do ({@code Abhilfe:} with {@code --lang de}). Exit status as ctictl's: 0 valid, 2 valid with warnings,
 * 1 invalid, 65 unreadable input (license or keyring), 64 usage; with several files the
 * worst of them (65, then 1, then 2).
 */
final class VerifierCommand {
    private static final String NAME = "cti-license-verifier";
    private static final int USAGE = 64;
    private static final int MALFORMED = 65;

    private final PrintStream out;
    private final PrintStream err;
    /** Findings in German (--lang de) instead of English. */
    private boolean german;

    VerifierCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** A mistake on the command line (exit status 64), with ctictl's code for it. */
    private static final class UsageError extends Exception {
        private static final long serialVersionUID = 1L;

        final String code;

        UsageError(String code, String message) {
            super(message);
            this.code = code;
        }
    }

    int run(String[] arguments) {
        String keyringPath = null;
        String at = null;
        List<String> files = new ArrayList<>();
        CheckInputs inputs;
        try {
            List<String[]> options = new ArrayList<>();
            boolean allowDevelopment = false;
            for (int i = 0; i < arguments.length; i++) {
                String argument = arguments[i];
                if (argument.equals("--allow-development-keys")) {
                    allowDevelopment = true;
                } else if (argument.startsWith("--")) {
                    if (i + 1 >= arguments.length) throw new UsageError("usage.missing-value", argument + " needs a value");
                    options.add(new String[] {argument, arguments[++i]});
                } else {
                    files.add(argument);
                }
            }
            for (String[] option : options) {
                if (option[0].equals("--keyring")) keyringPath = option[1];
                if (option[0].equals("--at")) at = option[1];
                if (option[0].equals("--lang")) {
                    if (!option[1].equals("en") && !option[1].equals("de")) throw new UsageError("usage.bad-value", "--lang \"" + option[1] + "\": expected en or de");
                    german = option[1].equals("de");
                }
            }
            if (keyringPath == null) throw new UsageError("usage.keyring-missing", "--keyring FILE is required: the product's trusted keys (a JWK Set)");
            if (files.isEmpty()) throw new UsageError("usage.missing-argument", "name at least one license file");
            inputs = inputs(at, options).allowDevelopmentKeys(allowDevelopment);
        } catch (UsageError error) {
            err.println(NAME + ": error: " + error.getMessage() + " [" + error.code + "]");
            return USAGE;
        }
        Keyring keyring;
        try {
            keyring = Keyring.parse(read(keyringPath), keyringPath);
        } catch (LicenseException error) {
            err.println(NAME + ": error: " + error.getMessage() + " [" + error.code() + "]");
            return error.exitStatus();
        }
        CtiLicenseVerifier verifier = new CtiLicenseVerifier(keyring);
        int worst = 0;
        for (String file : files) worst = worse(worst, verifyOne(verifier, file, inputs));
        return worst;
    }

    private int verifyOne(CtiLicenseVerifier verifier, String file, CheckInputs inputs) {
        try {
            Verification result = verifier.verify(read(file), inputs);
            out.println(file + ": " + result.status().text);
            for (Finding finding : result.findings()) {
                out.println("  " + finding.severity().name().toLowerCase(Locale.ROOT) + " " + finding.code() + ": " + finding.message(german));
                if (finding.fix() != null) out.println("    " + (german ? "Abhilfe" : "fix") + ": " + finding.fix(german));
            }
            return result.status().exitStatus;
        } catch (LicenseException error) {
            out.println(file + ": " + (error.exitStatus() == MALFORMED ? "unreadable" : "invalid"));
            out.println("  error " + error.code() + ": " + error.getMessage());
            return error.exitStatus();
        }
    }

    private static CheckInputs inputs(String at, List<String[]> options) throws UsageError {
        CheckInputs inputs;
        if (at == null) {
            inputs = CheckInputs.atClock(Instant.now().getEpochSecond());
        } else {
            Long instant = UtcTime.parseInstant(at);
            if (instant == null) throw new UsageError("usage.bad-date", "--at \"" + at + "\": expected a date YYYY-MM-DD or a timestamp like 2027-01-31T12:00:00Z");
            inputs = CheckInputs.atInstant(instant);
        }
        for (String[] option : options) {
            String value = option[1];
            switch (option[0]) {
                case "--keyring", "--at", "--lang" -> { }
                case "--product" -> inputs.product(value);
                case "--pbx-id" -> inputs.pbxFactor("instance-id", value);
                case "--pbx-mac" -> inputs.pbxFactor("mac", value);
                case "--pbx-hostname" -> inputs.pbxFactor("hostname", value);
                case "--active-users" -> {
                    try {
                        inputs.activeUsers(Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        throw new UsageError("usage.bad-value", "--active-users \"" + value + "\": expected a whole number");
                    }
                }
                case "--release-date" -> {
                    LocalDate day = UtcTime.parseDay(value);
                    if (day == null) throw new UsageError("usage.bad-date", "--release-date \"" + value + "\": expected a date YYYY-MM-DD");
                    inputs.releaseDate(day);
                }
                default -> throw new UsageError("usage.unknown-option", "unknown option " + option[0]);
            }
        }
        return inputs;
    }

    /** A file's bytes, within the 1 MiB input limit; every failure is a one-line error naming it. */
    private static byte[] read(String path) throws LicenseException {
        try {
            Path file = Path.of(path);
            if (Files.isDirectory(file)) throw LicenseException.malformed("file.is-directory", path + ": is a directory, expected a file");
            if (Files.size(file) > ClaimLimits.FILE_BYTES) {
                throw LicenseException.malformed("file.too-large", path + ": file is " + Files.size(file) + " bytes, more than the "
                        + ClaimLimits.FILE_BYTES + " bytes allowed for this kind of file; is it the right file?");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw LicenseException.malformed("file.not-found", path + ": no such file; check the path");
        } catch (AccessDeniedException e) {
            throw LicenseException.malformed("file.permission-denied", path + ": permission denied; check the file's owner and mode");
        } catch (IOException | RuntimeException e) {
            throw LicenseException.malformed("file.io-error", path + ": " + e.getMessage());
        }
    }

    /** The worse of two exit statuses: 65 (unreadable), then 1 (invalid), then 2 (warnings), then 0. */
    static int worse(int a, int b) {
        List<Integer> order = List.of(0, 2, 1, MALFORMED);
        return order.indexOf(a) >= order.indexOf(b) ? a : b;
    }
}
