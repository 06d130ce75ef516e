import CTICore
import Licensing
import ReleaseCatalog

/// The three questions of a start, and the inputs they stand on.
public enum StartupPart: String, Sendable, Encodable, CaseIterable {
    /// The inputs themselves (sizes, the keyring, the catalog, the state file).
    case input
    case license
    case config
    case compatibility

    /// The part's name in words, for text output.
    public var title: LocalizedText {
        switch self {
        case .input: return LocalizedText(en: "inputs", de: "Eingaben")
        case .license: return LocalizedText(en: "license", de: "Lizenz")
        case .config: return LocalizedText(en: "config", de: "Konfiguration")
        case .compatibility: return LocalizedText(en: "compatibility", de: "Kompatibilität")
        }
    }
}

/// One finding of the check, with the part that found it and, for a config finding, the
/// setting it is about.
public struct StartupFinding: Sendable, Equatable, Encodable {
    public let part: StartupPart
    public let finding: Finding
    public let setting: String?
    /// The input the finding is about, when it is about one document (`license`, `keyring`,
    /// `catalog`, `revocations`, `state`, `config`, `endorsement`).
    public let document: String?
    /// Set when the finding stands for an input that could not be used at all (malformed:
    /// 65, a wrong request: 64), so the exit status can say so.
    public let failureKind: FailureKind?

    public init(_ part: StartupPart, _ finding: Finding, setting: String? = nil, document: String? = nil, failureKind: FailureKind? = nil) {
        self.part = part
        self.finding = finding
        self.setting = setting
        self.document = document
        self.failureKind = failureKind
    }

    /// A failure that stopped a part, as a finding (its code, its message in both languages).
    public init(_ part: StartupPart, failure: CTIFailure, document: String? = nil) {
        let finding = Finding(code: failure.code, severity: .error, message: failure.text)
        self.init(part, finding, document: document, failureKind: failure.kind)
    }

    enum CodingKeys: String, CodingKey { case part, code, severity, message, fix, setting, document }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(part, forKey: .part)
        try container.encode(finding.code, forKey: .code)
        try container.encode(finding.severity, forKey: .severity)
        try container.encode(finding.message, forKey: .message)
        try container.encodeIfPresent(finding.fix, forKey: .fix)
        try container.encodeIfPresent(setting, forKey: .setting)
        try container.encodeIfPresent(document, forKey: .document)
    }
}

/// How one part went: checked (pass, warn, fail by its worst finding) or skipped, and why.
public struct StartupPartResult: Sendable, Equatable, Encodable {
    public enum Status: String, Sendable, Encodable {
        case pass, warn, fail, skipped
    }

    public let part: StartupPart
    public let status: Status
    /// Why the part was skipped (only then).
    public let skipReason: LocalizedText?
}

/// Everything the check found, whatever the verdict.
public struct StartupReport: Sendable {
    /// What was checked (nil only when the request itself could not be read).
    public let product: String?
    public let client: Version?
    public let findings: [StartupFinding]
    public let parts: [StartupPartResult]
    /// The state to persist for the next start; nil: leave the state file as it is (the
    /// clock was found set back, or `now` was not the clock's).
    public let nextState: VerifierState?
    /// The compatibility verdict, when the guard ran.
    public let compatibility: CompatibilityVerdict?
    /// The release the config was checked against, when it was.
    public let configRelease: String?

    public var worstSeverity: Severity? { findings.map(\.finding).worstSeverity }
}

extension StartupVerdict {
    /// The verdict with one more finding (met after the check, e.g. writing the state): a
    /// warning turns a start into a start with warnings, an error into do not start.
    public func adding(_ finding: StartupFinding) -> StartupVerdict {
        let old = report
        let parts = old.parts.map { part -> StartupPartResult in
            guard part.part == finding.part, part.status != .fail else { return part }
            return StartupPartResult(part: part.part, status: finding.finding.severity == .error ? .fail : finding.finding.severity == .warning ? .warn : part.status, skipReason: nil)
        }
        let report = StartupReport(
            product: old.product, client: old.client, findings: old.findings + [finding], parts: parts, nextState: old.nextState,
            compatibility: old.compatibility, configRelease: old.configRelease)
        switch (self, report.worstSeverity) {
        case (.start(let license, _), .warning?), (.startWithWarnings(let license, _), .warning?): return .startWithWarnings(license, report)
        case (.start(let license, _), nil), (.start(let license, _), .info?): return .start(license, report)
        case (.startWithWarnings(let license, _), _) where report.worstSeverity != .error: return .startWithWarnings(license, report)
        default: return .doNotStart(report)
        }
    }

    /// The verdict for a request that could not be made into inputs at all (a usage error, an
    /// unreadable request): do not start, with the failure as the one finding.
    public static func refused(_ failure: any CTIError, product: String? = nil) -> StartupVerdict {
        let finding = StartupFinding(.input, failure: CTIFailure(failure))
        let parts = StartupPart.allCases.map {
            StartupPartResult(part: $0, status: $0 == .input ? .fail : .skipped,
                              skipReason: $0 == .input ? nil : LocalizedText(en: "the request could not be read", de: "die Anfrage war nicht lesbar"))
        }
        return .doNotStart(StartupReport(product: product, client: nil, findings: [finding], parts: parts, nextState: nil, compatibility: nil, configRelease: nil))
    }
}

/// The answer: start, start with warnings, or do not start. Only a start hands out the
/// verified license, so a caller cannot use a license the check refused.
public enum StartupVerdict: Sendable {
    case start(VerifiedLicense, StartupReport)
    case startWithWarnings(VerifiedLicense, StartupReport)
    case doNotStart(StartupReport)

    public var report: StartupReport {
        switch self {
        case .start(_, let report), .startWithWarnings(_, let report), .doNotStart(let report): return report
        }
    }

    /// The word clients match on.
    public var name: String {
        switch self {
        case .start: return "start"
        case .startWithWarnings: return "start-with-warnings"
        case .doNotStart: return "do-not-start"
        }
    }

    /// 0 start, 2 start with warnings, 1 do not start; 65 (64) when an input could not be
    /// used at all (malformed, or the request was wrong), 70 when the check itself failed.
    public var exitStatus: Int32 {
        switch self {
        case .start: return 0
        case .startWithWarnings: return 2
        case .doNotStart(let report):
            let kinds = report.findings.compactMap(\.failureKind)
            for kind in [FailureKind.internal, .usage, .malformedInput] where kinds.contains(kind) { return kind.exitStatus }
            return 1
        }
    }
}
