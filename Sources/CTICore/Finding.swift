/// How much a finding matters. The order matters: a result is as bad as its worst finding.
public enum Severity: String, Sendable, Codable, Comparable, CaseIterable {
    case info
    case warning
    case error

    private var rank: Int {
        switch self {
        case .info: return 0
        case .warning: return 1
        case .error: return 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A text in the two languages ctictl's users read: German (customers, the FAQ) and English.
public struct LocalizedText: Sendable, Codable, Equatable {
    public let en: String
    public let de: String

    public init(en: String, de: String) {
        self.en = en
        self.de = de
    }
}

/// One observation of a check or policy: a stable code, a severity, a message in German and
/// English and, where one exists, what to do about it.
public struct Finding: Sendable, Codable, Equatable {
    /// Stable machine code, e.g. `license.expired`. Never reworded once published.
    public let code: String
    public let severity: Severity
    public let message: LocalizedText
    public let fix: LocalizedText?

    public init(code: String, severity: Severity, message: LocalizedText, fix: LocalizedText? = nil) {
        self.code = code
        self.severity = severity
        self.message = message
        self.fix = fix
    }

    public static func error(_ code: String, en: String, de: String, fixEN: String? = nil, fixDE: String? = nil) -> Finding {
        Finding(code: code, severity: .error, message: LocalizedText(en: en, de: de), fix: Self.fix(fixEN, fixDE))
    }

    public static func warning(_ code: String, en: String, de: String, fixEN: String? = nil, fixDE: String? = nil) -> Finding {
        Finding(code: code, severity: .warning, message: LocalizedText(en: en, de: de), fix: Self.fix(fixEN, fixDE))
    }

    public static func info(_ code: String, en: String, de: String) -> Finding {
        Finding(code: code, severity: .info, message: LocalizedText(en: en, de: de), fix: nil)
    }

    private static func fix(_ en: String?, _ de: String?) -> LocalizedText? {
        guard let en else { return nil }
        return LocalizedText(en: en, de: de ?? en)
    }
}

extension Array where Element == Finding {
    /// The worst severity among the findings, or nil when there are none.
    public var worstSeverity: Severity? { map(\.severity).max() }
}
