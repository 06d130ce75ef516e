import CTICore
import Signing

/// More users than seats fails; the count comes from the caller (`--active-users`).
public struct SeatsPolicy: LicensePolicy {
    public let name = "seats"
    public init() {}

    public func evaluate(_ license: SignedLicenseFacts, in context: VerificationContext) -> [Finding] {
        guard let users = context.activeUsers else { return [] }
        let seats = license.claims.cti.seats
        guard users > seats else { return [] }
        return [.error(
            "license.seats-exceeded", en: "\(users) active users, but the license covers \(seats).",
            de: "\(users) aktive Benutzer, die Lizenz umfasst aber nur \(seats).",
            fixEN: "Buy \(users - seats) more seat\(users - seats == 1 ? "" : "s"), or remove the UCI right from users who do not need it.",
            fixDE: "Erwerben Sie \(users - seats) weitere Lizenz(en) oder entziehen Sie Benutzern, die es nicht brauchen, das Recht \"UCI\".")]
    }
}

/// A license with maintenance covers every release published up to its maintenance date.
public struct MaintenancePolicy: LicensePolicy {
    public let name = "maintenance"
    public init() {}

    public func evaluate(_ license: SignedLicenseFacts, in context: VerificationContext) -> [Finding] {
        guard let until = license.claims.cti.maintenanceUntil, let release = context.releaseDate else { return [] }
        guard release > until else { return [] }
        return [.error(
            "license.maintenance-expired",
            en: "This release was published \(release); the license covers releases published up to \(until).",
            de: "Diese Version erschien am \(release); die Lizenz deckt Versionen bis zum \(until) ab.",
            fixEN: "Install a release published on or before \(until), or renew the maintenance.",
            fixDE: "Installieren Sie eine Version, die bis zum \(until) erschienen ist, oder verlängern Sie die Wartung.")]
    }
}

/// A license on a verified revocation list is revoked.
public struct RevocationPolicy: LicensePolicy {
    public let name = "revocation"
    public init() {}

    public func evaluate(_ license: SignedLicenseFacts, in context: VerificationContext) -> [Finding] {
        guard let list = context.revocations, let entry = list.entry(for: license.claims.jti) else { return [] }
        let when = UTCTimestamp.format(entry.revokedAt)
        return [.error(
            "license.revoked", en: "License \(license.claims.jti) was revoked at \(when) (\(entry.reason)).",
            de: "Die Lizenz \(license.claims.jti) wurde am \(when) widerrufen (\(entry.reason)).",
            fixEN: "Ask the vendor for the license that replaces it.", fixDE: "Fordern Sie beim Hersteller die Ersatzlizenz an.")]
    }
}

/// The clock is checked against what this installation has seen (the high-water mark of its
/// state) and against signed times (a license cannot be issued after "now").
public struct ClockPolicy: LicensePolicy {
    public let name = "clock"
    public init() {}

    public func evaluate(_ license: SignedLicenseFacts, in context: VerificationContext) -> [Finding] {
        guard context.nowIsFromClock else { return [] }
        var findings: [Finding] = []
        if let seen = context.state?.highWaterMark, context.now < seen - context.clockTolerance {
            findings.append(.error(
                "clock.set-back",
                en: "The clock reads \(UTCTimestamp.format(context.now)), but this installation already saw \(UTCTimestamp.format(seen)): the clock was set back.",
                de: "Die Uhr zeigt \(UTCTimestamp.format(context.now)), diese Installation hat aber bereits \(UTCTimestamp.format(seen)) gesehen: Die Uhr wurde zurückgestellt.",
                fixEN: "Set the computer's date and time correctly (synchronise with a time server).",
                fixDE: "Stellen Sie Datum und Uhrzeit des Rechners richtig ein (Zeitserver-Synchronisierung)."))
        }
        let issued = license.claims.iat
        if issued > context.now + context.allowedSkew {
            findings.append(.error(
                "clock.license-from-future",
                en: "The license was issued \(UTCTimestamp.format(issued)), after the clock's \(UTCTimestamp.format(context.now)): the clock is behind.",
                de: "Die Lizenz wurde am \(UTCTimestamp.format(issued)) ausgestellt, nach der Uhrzeit des Rechners (\(UTCTimestamp.format(context.now))): Die Uhr geht nach.",
                fixEN: "Set the computer's date and time correctly.", fixDE: "Stellen Sie Datum und Uhrzeit des Rechners richtig ein."))
        }
        return findings
    }
}
