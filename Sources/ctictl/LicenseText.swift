import CTICore
import Licensing

/// Text rendering of verification results for people.
enum VerificationText {
    static func render(_ result: LicenseVerification, file: String, explain: Bool, language: Language) -> String {
        func text(_ localized: LocalizedText) -> String { language == .de ? localized.de : localized.en }
        var lines: [String] = []
        let headline: String
        switch result.status {
        case .valid: headline = "VALID"
        case .validWithWarnings: headline = "VALID, WITH WARNINGS"
        case .invalid: headline = "INVALID"
        }
        if let license = result.license {
            let claims = license.claims
            let customer = claims.cti.customerName.map { "\($0) (\(claims.sub))" } ?? claims.sub
            lines.append("\(headline): \(file) — \(claims.jti), \(claims.cti.product), \(claims.cti.seats) seat\(claims.cti.seats == 1 ? "" : "s"), customer \(customer)")
            let until = claims.exp.map { "valid through \(CivilDate(secondsSince1970: $0 - 1)) (UTC)" } ?? "perpetual"
            lines.append("  signed by \"\(license.kid)\" (\(license.algorithm.rawValue)); \(until)")
            if !claims.cti.features.isEmpty { lines.append("  features: \(claims.cti.features.joined(separator: ", "))") }
            if let maintenance = claims.cti.maintenanceUntil { lines.append("  maintenance until: \(maintenance)") }
        } else {
            lines.append("\(headline): \(file) — the signature could not be verified, so nothing in it is trusted")
        }
        for policy in result.policies {
            if explain {
                lines.append("  [\(policy.verdict.rawValue)] \(policy.name)" + (policy.skipReason.map { ": " + text($0) } ?? ""))
            }
            for finding in policy.findings {
                lines.append("    \(finding.severity.rawValue): \(text(finding.message)) [\(finding.code)]")
                if let fix = finding.fix { lines.append("      fix: \(text(fix))") }
            }
        }
        return TerminalText.joined(lines)
    }
}

enum InspectText {
    static func render(_ license: UnverifiedLicense, file: String) -> String {
        var lines = [
            "!! NOT VERIFIED: \(file) is shown as it claims to be; its signature was NOT checked.",
            "!! Use `ctictl license verify \(file) --keyring KEYRING` before trusting any of it.",
            "header: alg \(license.header.alg), kid \(license.header.kid ?? "(none)"), typ \(license.header.typ ?? "(none)")",
        ]
        if let claims = license.claims {
            lines.append("serial:    \(claims.jti)")
            lines.append("customer:  \(claims.cti.customerName.map { "\($0) (\(claims.sub))" } ?? claims.sub)")
            lines.append("product:   \(claims.cti.product)")
            lines.append("seats:     \(claims.cti.seats)")
            if !claims.cti.features.isEmpty { lines.append("features:  \(claims.cti.features.joined(separator: ", "))") }
            lines.append("issued:    \(UTCTimestamp.format(claims.iat)) by \(claims.iss)")
            lines.append("valid:     from \(UTCTimestamp.format(claims.nbf)) \(claims.exp.map { "until \(UTCTimestamp.format($0))" } ?? "(perpetual)")")
            if let pbx = claims.cti.pbx {
                lines.append("pbx:       \(pbx.required) of \(pbx.factors.map { "\($0.kind)=\($0.value)" }.joined(separator: ", "))")
            }
            if let maintenance = claims.cti.maintenanceUntil { lines.append("maintenance until: \(maintenance)") }
            if let grace = claims.cti.graceDays { lines.append("grace days: \(grace)") }
            if let order = claims.cti.orderID { lines.append("order:     \(order)") }
            if let supersedes = claims.cti.supersedes { lines.append("supersedes: \(supersedes.joined(separator: ", "))") }
        } else {
            lines.append("claims: not readable (\(license.claimsError ?? "unknown error"))")
            lines.append("payload: \(license.rawPayload.prefix(2000))")
        }
        if !license.comments.isEmpty {
            lines.append("unsigned comment lines (untrusted):")
            lines.append(contentsOf: license.comments.map { "  \($0)" })
        }
        return TerminalText.joined(lines)
    }
}
