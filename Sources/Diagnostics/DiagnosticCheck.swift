import CTICore

/// The groups `ctictl doctor` shows its checks in, in this order.
public enum CheckGroup: String, Sendable, Encodable, CaseIterable {
    case license
    case config
    case compatibility
    case pbx
    case module
    case logs
    case clock

    public var title: LocalizedText {
        switch self {
        case .license: return LocalizedText(en: "License", de: "Lizenz")
        case .config: return LocalizedText(en: "Client config", de: "Client-Konfiguration")
        case .compatibility: return LocalizedText(en: "Compatibility", de: "Kompatibilität")
        case .pbx: return LocalizedText(en: "PBX connection", de: "Verbindung zur TK-Anlage")
        case .module: return LocalizedText(en: "STARFACE module", de: "STARFACE-Modul")
        case .logs: return LocalizedText(en: "Client logs", de: "Client-Protokolle")
        case .clock: return LocalizedText(en: "Clock", de: "Uhrzeit")
        }
    }
}

/// A change doctor can make. Only fixes marked `safe` are applied by `--fix`; the others are
/// described. `apply` returns the line that says what changed.
public struct ProposedFix: Sendable {
    public let description: LocalizedText
    public let safe: Bool
    public let apply: (@Sendable () throws -> LocalizedText)?

    public init(description: LocalizedText, safe: Bool, apply: (@Sendable () throws -> LocalizedText)? = nil) {
        self.description = description
        self.safe = safe && apply != nil
        self.apply = apply
    }
}

/// What one check found: its findings (none: all good) and the fixes it proposes; or that it
/// could not run, and why (a check that cannot run never fails the others).
public struct CheckOutcome: Sendable {
    public enum Kind: Sendable, Equatable {
        case ran
        case notRun(because: LocalizedText)
    }

    public let kind: Kind
    public let findings: [Finding]
    public let fixes: [ProposedFix]

    public init(findings: [Finding], fixes: [ProposedFix] = []) {
        kind = .ran
        self.findings = findings
        self.fixes = fixes
    }

    public static func notRun(en: String, de: String) -> CheckOutcome { CheckOutcome(notRun: LocalizedText(en: en, de: de)) }

    private init(notRun reason: LocalizedText) {
        kind = .notRun(because: reason)
        findings = []
        fixes = []
    }
}

/// One named check of `ctictl doctor`. A check reads its inputs from the context, reaches the
/// network only through it (bounded timeouts), and reports; it never prints.
public protocol DiagnosticCheck: Sendable {
    /// Stable name for `--check` (`license.valid`, `pbx.ports`).
    var name: String { get }
    var group: CheckGroup { get }
    /// What it checks, in a few words.
    var title: LocalizedText { get }
    func run(in context: DoctorContext) async -> CheckOutcome
}
