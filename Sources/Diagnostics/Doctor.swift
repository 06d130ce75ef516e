import CTICore

/// The result of one check, as the report shows it.
public struct CheckResult: Sendable {
    public enum Status: String, Sendable, Encodable {
        case ok
        case warning
        case failed
        /// The check could not run (`reason` says why); it does not fail the run.
        case notRun = "not-run"
    }

    public let name: String
    public let group: CheckGroup
    public let title: LocalizedText
    public let status: Status
    public let reason: LocalizedText?
    public let findings: [Finding]
    public let fixes: [ProposedFix]
    /// What `--fix` changed, one line per applied fix.
    public var applied: [LocalizedText] = []

    init(check: any DiagnosticCheck, outcome: CheckOutcome) {
        name = check.name
        group = check.group
        title = check.title
        findings = outcome.findings
        fixes = outcome.fixes
        switch outcome.kind {
        case .notRun(let because):
            status = .notRun
            reason = because
        case .ran:
            reason = nil
            switch findings.worstSeverity {
            case .error?: status = .failed
            case .warning?: status = .warning
            default: status = .ok
            }
        }
    }
}

/// Runs checks, all at once (a slow network probe holds up nothing else), and collects their
/// results in the order the checks were given.
public struct Doctor: Sendable {
    public let checks: [any DiagnosticCheck]

    public init(checks: [any DiagnosticCheck]) {
        self.checks = checks
    }

    /// The checks named by `--check` (a name or a whole group); an unknown name is a usage
    /// error naming the nearest one.
    public func selecting(_ names: [String]) throws(CTIFailure) -> Doctor {
        guard !names.isEmpty else { return self }
        var selected: [any DiagnosticCheck] = []
        for name in names {
            let matching = checks.filter { $0.name == name || $0.group.rawValue == name }
            guard !matching.isEmpty else {
                let nearest = NearestName.closest(to: name, among: checks.map(\.name) + CheckGroup.allCases.map(\.rawValue))
                throw CTIFailure(
                    .doctorUnknownCheck, "no check named \"\(name)\"\(nearest.map { "; did you mean \($0)?" } ?? "") (ctictl doctor --list-checks lists them)",
                    german: "keine Prüfung namens \"\(name)\"\(nearest.map { "; meinten Sie \($0)?" } ?? "") (ctictl doctor --list-checks listet sie auf)")
            }
            for check in matching where !selected.contains(where: { $0.name == check.name }) { selected.append(check) }
        }
        return Doctor(checks: selected)
    }

    public func run(in context: DoctorContext) async -> DoctorReport {
        let outcomes = await withTaskGroup(of: (Int, CheckOutcome).self) { group in
            for (index, check) in checks.enumerated() {
                group.addTask { (index, await check.run(in: context)) }
            }
            var outcomes = [CheckOutcome?](repeating: nil, count: checks.count)
            for await (index, outcome) in group { outcomes[index] = outcome }
            return outcomes
        }
        let results = zip(checks, outcomes).map { check, outcome in
            CheckResult(check: check, outcome: outcome ?? .notRun(en: "the check did not finish", de: "die Prüfung wurde nicht beendet"))
        }
        return DoctorReport(product: context.product, checkedAt: context.now, results: results)
    }
}

/// Everything one doctor run found.
public struct DoctorReport: Sendable {
    public let product: String
    public let checkedAt: Int64
    public var results: [CheckResult]

    /// 0 all good, 2 warnings only, 1 something failed (a check that could not run counts as
    /// neither: it says why in the report).
    public var exitStatus: Int32 {
        if results.contains(where: { $0.status == .failed }) { return 1 }
        if results.contains(where: { $0.status == .warning }) { return 2 }
        return 0
    }

    /// Applies every safe fix the checks proposed, recording what changed; a fix that fails
    /// is recorded as such and the others still run.
    public mutating func applySafeFixes() {
        for index in results.indices {
            for fix in results[index].fixes where fix.safe {
                guard let apply = fix.apply else { continue }
                do {
                    results[index].applied.append(try apply())
                } catch {
                    let message = (error as? any CTIError)?.message ?? "\(error)"
                    results[index].applied.append(LocalizedText(
                        en: "could not apply \"\(fix.description.en)\": \(message)", de: "konnte \"\(fix.description.de)\" nicht anwenden: \(message)"))
                }
            }
        }
    }
}
