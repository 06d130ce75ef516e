import CTICore

/// The report as a person reads it (one mark per check, each problem with cause and fix, a
/// summary) and as a script reads it (`ctictl.doctor/1`, docs/doctor.md).
extension DoctorReport {
    public static let schema = "ctictl.doctor/1"

    public struct Summary: Sendable, Equatable, Encodable {
        public let ok: Int
        public let warning: Int
        public let failed: Int
        public let notRun: Int
    }

    public var summary: Summary {
        func count(_ status: CheckResult.Status) -> Int { results.filter { $0.status == status }.count }
        return Summary(ok: count(.ok), warning: count(.warning), failed: count(.failed), notRun: count(.notRun))
    }

    /// `fixing`: whether `--fix` ran (else the safe fixes are shown as what it would do).
    public func text(language: KeyPath<LocalizedText, String>, fixing: Bool) -> String {
        let german = language == \LocalizedText.de
        var lines = ["ctictl doctor — \(product), \(UTCTimestamp.format(checkedAt))"]
        for group in CheckGroup.allCases {
            let inGroup = results.filter { $0.group == group }
            guard !inGroup.isEmpty else { continue }
            lines.append(group.title[keyPath: language])
            for result in inGroup {
                let mark: String
                switch result.status {
                case .ok: mark = "[✓]"
                case .warning: mark = "[!]"
                case .failed: mark = "[✗]"
                case .notRun: mark = "[-]"
                }
                var line = "  \(mark) \(result.name): \(result.title[keyPath: language])"
                if let reason = result.reason { line += german ? " — nicht geprüft: " : " — not run: "; line += reason[keyPath: language] }
                lines.append(line)
                for finding in result.findings where finding.severity != .info {
                    lines.append("      \(finding.severity == .error ? "✗" : "!") \(finding.message[keyPath: language]) [\(finding.code)]")
                    if let fix = finding.fix { lines.append("        " + (german ? "Abhilfe: " : "fix: ") + fix[keyPath: language]) }
                }
                for applied in result.applied { lines.append("      " + (german ? "geändert: " : "changed: ") + applied[keyPath: language]) }
                if !fixing {
                    for fix in result.fixes where fix.safe {
                        lines.append("      " + (german ? "--fix würde: " : "--fix would: ") + fix.description[keyPath: language])
                    }
                }
            }
        }
        let summary = self.summary
        lines.append(german
            ? "Ergebnis: \(summary.failed) fehlgeschlagen, \(summary.warning) mit Warnungen, \(summary.ok) in Ordnung, \(summary.notRun) nicht geprüft"
            : "Summary: \(summary.failed) failed, \(summary.warning) with warnings, \(summary.ok) ok, \(summary.notRun) not run")
        return TerminalText.joined(lines)
    }

    public var json: [UInt8] {
        CanonicalJSON.pretty(JSONDocument(schema: Self.schema, body: Body(report: self)))
    }

    private struct Body: Encodable {
        let report: DoctorReport

        struct Check: Encodable {
            let name: String
            let group: CheckGroup
            let title: LocalizedText
            let status: CheckResult.Status
            let reason: LocalizedText?
            let findings: [Finding]
            let fixes: [Fix]
            let applied: [LocalizedText]
        }

        struct Fix: Encodable {
            let description: LocalizedText
            let safe: Bool
        }

        enum CodingKeys: String, CodingKey { case product, checkedAt, exitStatus, summary, checks }

        func encode(to encoder: Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(report.product, forKey: .product)
            try container.encode(UTCTimestamp.format(report.checkedAt), forKey: .checkedAt)
            try container.encode(report.exitStatus, forKey: .exitStatus)
            try container.encode(report.summary, forKey: .summary)
            try container.encode(report.results.map {
                Check(name: $0.name, group: $0.group, title: $0.title, status: $0.status, reason: $0.reason, findings: $0.findings,
                      fixes: $0.fixes.map { Fix(description: $0.description, safe: $0.safe) }, applied: $0.applied)
            }, forKey: .checks)
        }
    }
}
