import CTICore
import Licensing
import ReleaseCatalog

/// The verdict as a client reads it (`ctictl.startup-check/1`, docs/startup-check.md) and as
/// a person reads it, in German or English.
extension StartupVerdict {
    public static let schema = "ctictl.startup-check/1"

    /// The JSON document; `checkedAt` is the instant the check judged.
    public func json(checkedAt: Int64?) -> [UInt8] {
        CanonicalJSON.pretty(JSONDocument(schema: Self.schema, body: Body(verdict: self, checkedAt: checkedAt)))
    }

    private struct Body: Encodable {
        let verdict: StartupVerdict
        let checkedAt: Int64?

        struct LicenseSummary: Encodable {
            let serial: String
            let customer: String
            let customerName: String?
            let product: String
            let seats: Int
            let features: [String]
            let expires: String?
            let maintenanceUntil: String?
            let kid: String

            init(_ license: VerifiedLicense) {
                let claims = license.claims
                serial = claims.jti
                customer = claims.sub
                customerName = claims.cti.customerName
                product = claims.cti.product
                seats = claims.cti.seats
                features = claims.cti.features
                expires = claims.exp.map(UTCTimestamp.format)
                maintenanceUntil = claims.cti.maintenanceUntil?.description
                kid = license.kid
            }
        }

        struct Compatibility: Encodable {
            let verdict: String
            let decidedBy: String
            let suggestions: [String]
        }

        enum CodingKeys: String, CodingKey {
            case verdict, exitStatus, product, client, checkedAt, license, parts, findings, configRelease, compatibility, nextState
        }

        func encode(to encoder: Encoder) throws {
            let report = verdict.report
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(verdict.name, forKey: .verdict)
            try container.encode(verdict.exitStatus, forKey: .exitStatus)
            try container.encodeIfPresent(report.product, forKey: .product)
            try container.encodeIfPresent(report.client?.description, forKey: .client)
            try container.encodeIfPresent(checkedAt.map(UTCTimestamp.format), forKey: .checkedAt)
            switch verdict {
            case .start(let license, _), .startWithWarnings(let license, _): try container.encode(LicenseSummary(license), forKey: .license)
            case .doNotStart: break
            }
            try container.encode(report.parts, forKey: .parts)
            try container.encode(report.findings, forKey: .findings)
            try container.encodeIfPresent(report.configRelease, forKey: .configRelease)
            try container.encodeIfPresent(
                report.compatibility.map { Compatibility(verdict: $0.verdict.rawValue, decidedBy: $0.decidedBy, suggestions: $0.suggestions) }, forKey: .compatibility)
            try container.encodeIfPresent(report.nextState, forKey: .nextState)
        }
    }

    /// A few lines a person understands at a glance: the verdict first, then each problem
    /// with its fix, then what was skipped. Untrusted text is made inert for a terminal.
    public func text(language: KeyPath<LocalizedText, String>) -> String {
        let german = language == \LocalizedText.de
        let report = self.report
        let problems = report.findings.filter { $0.finding.severity != .info }
        let head: LocalizedText
        switch self {
        case .start: head = LocalizedText(en: "START", de: "START")
        case .startWithWarnings: head = LocalizedText(en: "START WITH WARNINGS", de: "START MIT WARNUNGEN")
        case .doNotStart: head = LocalizedText(en: "DO NOT START", de: "NICHT STARTEN")
        }
        let count = problems.isEmpty
            ? LocalizedText(en: "everything checked is in order", de: "alles Geprüfte ist in Ordnung")
            : LocalizedText(en: "\(problems.count) problem\(problems.count == 1 ? "" : "s")", de: "\(problems.count) Problem\(problems.count == 1 ? "" : "e")")
        let subject = [report.product, report.client?.description].compactMap { $0 }.joined(separator: " ")
        var lines = ["\(head[keyPath: language]): \(subject.isEmpty ? "?" : subject) — \(count[keyPath: language])"]
        switch self {
        case .start(let license, _), .startWithWarnings(let license, _):
            let claims = license.claims
            let customer = claims.cti.customerName ?? claims.sub
            let until = claims.exp.map { german ? "gültig bis \(CivilDate(secondsSince1970: $0 - 1))" : "valid through \(CivilDate(secondsSince1970: $0 - 1))" }
                ?? (german ? "unbefristet" : "perpetual")
            lines.append(german ? "  Lizenz \(claims.jti) für \(customer), \(claims.cti.seats) Benutzer, \(until)"
                                : "  license \(claims.jti) for \(customer), \(claims.cti.seats) seat\(claims.cti.seats == 1 ? "" : "s"), \(until)")
        case .doNotStart: break
        }
        for item in problems {
            let mark = item.finding.severity == .error ? "✗" : "!"
            let setting = item.setting.map { " (\($0))" } ?? ""
            lines.append("  [\(mark)] \(item.finding.message[keyPath: language]) [\(item.finding.code)\(setting)]")
            if let fix = item.finding.fix { lines.append("      " + (german ? "Abhilfe: " : "fix: ") + fix[keyPath: language]) }
        }
        for part in report.parts where part.status == .skipped {
            let reason = part.skipReason.map { ": " + $0[keyPath: language] } ?? ""
            lines.append("  " + (german ? "nicht geprüft: " : "not checked: ") + part.part.title[keyPath: language] + reason)
        }
        return TerminalText.joined(lines)
    }
}
