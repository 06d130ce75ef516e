package de.ctictl.license;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Where and when a license is checked: the facts of this installation, handed in by the
 * caller (the verifier reads no clock and no file). The same inputs as
 * {@code ctictl license verify}'s options.
 */
public final class CheckInputs {
    final long now;
    final boolean nowIsFromClock;
    String product;
    final List<LicenseClaims.PbxFactor> pbxFactors = new ArrayList<>();
    boolean allowDevelopmentKeys;
    Long activeUsers;
    LocalDate releaseDate;

    private CheckInputs(long now, boolean nowIsFromClock) {
        this.now = now;
        this.nowIsFromClock = nowIsFromClock;
    }

    /**
     * Checks at the system clock's {@code now} (seconds since 1970): a license issued more than
     * an hour after it means the clock is behind ({@code clock.license-from-future}).
     */
    public static CheckInputs atClock(long now) {
        return new CheckInputs(now, true);
    }

    /** Checks at a chosen instant ("what if", ctictl's {@code --at}): the clock is not judged. */
    public static CheckInputs atInstant(long instant) {
        return new CheckInputs(instant, false);
    }

    /** The product this is ({@code datev-connector}); without it any product passes. */
    public CheckInputs product(String product) {
        this.product = product;
        return this;
    }

    /** An identity factor of this PBX: {@code instance-id}, {@code mac} or {@code hostname}. */
    public CheckInputs pbxFactor(String kind, String value) {
        pbxFactors.add(new LicenseClaims.PbxFactor(kind, value));
        return this;
    }

    /** Accept licenses signed by development keys (testing only, never in production). */
    public CheckInputs allowDevelopmentKeys(boolean allow) {
        this.allowDevelopmentKeys = allow;
        return this;
    }

    /** Users with the right to use the product (STARFACE users with "UCI"). */
    public CheckInputs activeUsers(long users) {
        this.activeUsers = users;
        return this;
    }

    /** The publication day of the running release, for the maintenance check. */
    public CheckInputs releaseDate(LocalDate day) {
        this.releaseDate = day;
        return this;
    }
}
