import CTICore
import Signing

/// More users than seats fails; the count comes from the caller (`--active-users`).
public struct SeatsPolicy: LicensePolicy {
    public let name = "seats"
    /// Users with the right to use the product (STARFACE users with "UCI"), if known.
    public let activeUsers: Int?

    public init(activeUsers: Int? = nil) {
        self.activeUsers = activeUsers
    }

    public func evaluate(_ license: SignedLicenseFacts, at time: VerificationTime) -> PolicyOutcome {
        guard let users = activeUsers else {
            return .skipped(en: "no --active-users given", de: "kein --active-users angegeben")
        }
        let seats = license.claims.cti.seats
        guard users > seats else { return .passed }
        return .checked([.error(
            "license.seats-exceeded", en: "\(users) active users, but the license covers \(seats).",
            de: "\(users) aktive Benutzer, die Lizenz umfasst aber nur \(seats).",
            fixEN: "Buy \(users - seats) more seat\(users - seats == 1 ? "" : "s"), or remove the UCI right from users who do not need it.",
            fixDE: "Erwerben Sie \(users - seats) weitere Lizenz(en) oder entziehen Sie Benutzern, die es nicht brauchen, das Recht \"UCI\".")])
    }
}

/// A license with maintenance covers every release published up to its maintenance date.
/// When the product's releases are known, a refusal names the newest release still covered.
public struct MaintenancePolicy: LicensePolicy {
    public let name = "maintenance"
    /// The release being run (its date, and the product's other releases), if known.
    public let release: RunningRelease?

    public init(release: RunningRelease? = nil) {
        self.release = release
    }

    public func evaluate(_ license: SignedLicenseFacts, at time: VerificationTime) -> PolicyOutcome {
        guard let until = license.claims.cti.maintenanceUntil else {
            return .skipped(en: "the license covers every release (no maintenance date)", de: "die Lizenz deckt jede Version ab (kein Wartungsdatum)")
        }
        guard let running = self.release else {
            return .skipped(en: "no --release or --release-date given", de: "kein --release oder --release-date angegeben")
        }
        let release = running.date
        guard release > until else { return .passed }
        let named = running.version.map { (en: "Release \($0) was", de: "Version \($0) erschien am") } ?? (en: "This release was", de: "Diese Version erschien am")
        // The newest by date; of releases published the same day, the one listed last (the
        // catalog lists them in version order).
        let covered = running.published.filter { $0.date <= until }.reduce(nil) { (best: PublishedRelease?, next) in
            best.map { next.date >= $0.date ? next : $0 } ?? next
        }
        let newest = covered.map { (en: "; the newest of them is \($0.version), published \($0.date)", de: "; die neueste davon ist \($0.version) vom \($0.date)") }
            ?? (running.published.isEmpty ? (en: "", de: "") : (en: "; none of the product's releases was published by then", de: "; keine Version des Produkts erschien bis dahin"))
        return .checked([.error(
            "license.maintenance-expired",
            en: "\(named.en) published \(release); the license covers releases published up to \(until)\(newest.en).",
            de: "\(named.de) \(release); die Lizenz deckt Versionen bis zum \(until) ab\(newest.de).",
            fixEN: covered.map { "Install \($0.version) or an earlier release, or renew the maintenance." }
                ?? "Install a release published on or before \(until), or renew the maintenance.",
            fixDE: covered.map { "Installieren Sie \($0.version) oder eine ältere Version, oder verlängern Sie die Wartung." }
                ?? "Installieren Sie eine Version, die bis zum \(until) erschienen ist, oder verlängern Sie die Wartung.")])
    }
}

/// A license on a verified revocation list is revoked.
public struct RevocationPolicy: LicensePolicy {
    public let name = "revocation"
    /// A verified revocation list, if the caller has one.
    public let list: VerifiedRevocationList?

    public init(list: VerifiedRevocationList? = nil) {
        self.list = list
    }

    public func evaluate(_ license: SignedLicenseFacts, at time: VerificationTime) -> PolicyOutcome {
        guard let list else {
            return .skipped(en: "no --revocations given", de: "kein --revocations angegeben")
        }
        guard let entry = list.entry(for: license.claims.jti) else { return .passed }
        let when = UTCTimestamp.format(entry.revokedAt)
        return .checked([.error(
            "license.revoked", en: "License \(license.claims.jti) was revoked at \(when) (\(entry.reason)).",
            de: "Die Lizenz \(license.claims.jti) wurde am \(when) widerrufen (\(entry.reason)).",
            fixEN: "Ask the vendor for the license that replaces it.", fixDE: "Fordern Sie beim Hersteller die Ersatzlizenz an.")])
    }
}

/// The clock is checked against what this installation has seen (the high-water mark of its
/// state) and against signed times (a license cannot be issued after "now").
public struct ClockPolicy: LicensePolicy {
    public let name = "clock"
    /// The finding of a clock set back; the caller then keeps its state file as it is.
    public static let setBackCode = "clock.set-back"
    /// What this installation remembers (the latest time seen), if anything.
    public let state: VerifierState?
    /// How far the clock may go back behind the latest time seen before it counts as set back.
    public let tolerance: Int64
    /// How far a license's issue time may lie ahead of the clock.
    public let allowedSkew: Int64

    public init(state: VerifierState? = nil, tolerance: Int64 = VerificationContext.defaultClockTolerance, allowedSkew: Int64 = VerificationContext.defaultAllowedSkew) {
        self.state = state
        self.tolerance = tolerance
        self.allowedSkew = allowedSkew
    }

    /// The clock set back: `now` more than `tolerance` behind the latest time `state` saw.
    /// One rule for the license's clock policy and for doctor's clock check.
    public static func setBack(now: Int64, state: VerifierState?, tolerance: Int64 = VerificationContext.defaultClockTolerance) -> Finding? {
        guard let seen = state?.highWaterMark, now < seen - tolerance else { return nil }
        return .error(
            setBackCode,
            en: "The clock reads \(UTCTimestamp.format(now)), but this installation already saw \(UTCTimestamp.format(seen)): the clock was set back.",
            de: "Die Uhr zeigt \(UTCTimestamp.format(now)), diese Installation hat aber bereits \(UTCTimestamp.format(seen)) gesehen: Die Uhr wurde zurückgestellt.",
            fixEN: "Set the computer's date and time correctly (synchronise with a time server).",
            fixDE: "Stellen Sie Datum und Uhrzeit des Rechners richtig ein (Zeitserver-Synchronisierung).")
    }

    public func evaluate(_ license: SignedLicenseFacts, at time: VerificationTime) -> PolicyOutcome {
        guard time.isFromClock else {
            return .skipped(en: "--at given: the clock is not read", de: "--at angegeben: die Uhr wird nicht gelesen")
        }
        var findings: [Finding] = []
        if let setBack = Self.setBack(now: time.now, state: state, tolerance: tolerance) { findings.append(setBack) }
        let issued = license.claims.iat
        if issued > time.now + allowedSkew {
            findings.append(.error(
                "clock.license-from-future",
                en: "The license was issued \(UTCTimestamp.format(issued)), after the clock's \(UTCTimestamp.format(time.now)): the clock is behind.",
                de: "Die Lizenz wurde am \(UTCTimestamp.format(issued)) ausgestellt, nach der Uhrzeit des Rechners (\(UTCTimestamp.format(time.now))): Die Uhr geht nach.",
                fixEN: "Set the computer's date and time correctly.", fixDE: "Stellen Sie Datum und Uhrzeit des Rechners richtig ein."))
        }
        return .checked(findings)
    }
}
