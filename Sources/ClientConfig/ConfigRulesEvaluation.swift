import CTICore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import ReleaseCatalog

/// A finding of a rule or of the schema, with the setting it is about (nil: the file).
public struct ConfigFinding: Sendable, Equatable {
    public let finding: Finding
    public let setting: String?

    public init(_ finding: Finding, setting: String?) {
        self.finding = finding
        self.setting = setting
    }

    /// `error config.tapi-line-enabled UseTapiLine`, as examples/findings.json lists findings.
    public var summary: String { [finding.severity.rawValue, finding.code, setting].compactMap { $0 }.joined(separator: " ") }
}

extension ConfigRules {
    /// Every finding of the rules for `settings` (name → value, in file order) on `release`
    /// (nil: not known), in rule order. Absent settings take the schema's default.
    public func findings(settings: [(name: String, value: String)], schema: SettingsSchema, release: Version?) -> [ConfigFinding] {
        let values = RuleValues(settings: settings, schema: schema)
        var found: [ConfigFinding] = []
        for rule in rules where rule.applies(to: release) {
            let subjects: [String?]
            switch rule.subjects {
            case let .when(condition, setting):
                switch values.holds(condition) {
                case true?: subjects = [setting]
                case false?: subjects = []
                case nil:
                    // A pattern that ran out of steps on a value: say so rather than guess (a
                    // guess under `not` would report, or hide, the rule's finding wrongly).
                    found.append(ConfigFinding(Self.undecided(rule.code), setting: setting))
                    subjects = []
                }
            case .undeclared:
                subjects = settings.map(\.name).filter { schema.properties[$0] == nil }
            case .removed:
                subjects = settings.map(\.name).filter { schema.properties[$0]?.removed != nil }
            }
            for subject in subjects {
                let message = LocalizedText(en: values.fill(rule.message.en, release: release, subject: subject, german: false),
                                            de: values.fill(rule.message.de, release: release, subject: subject, german: true))
                let fix = LocalizedText(en: values.fill(rule.fix.en, release: release, subject: subject, german: false),
                                        de: values.fill(rule.fix.de, release: release, subject: subject, german: true))
                found.append(ConfigFinding(Finding(code: rule.code, severity: rule.severity, message: message, fix: fix), setting: subject))
            }
        }
        return found
    }
}

extension ConfigRules {
    /// A rule, or the schema (`part` nil), that could not be decided for a file: a pattern ran
    /// out of its steps on a value (docs/json-schema.md). A warning, never a silent pass.
    static func undecided(_ part: String?) -> Finding {
        let en = part.map { "the rule \($0)" } ?? "the release's schema", de = part.map { "die Regel \($0)" } ?? "das Schema der Version"
        return .warning(
            "config.check-undecided",
            en: "\(en) could not be decided for this file: a pattern took too many steps on a value, so a finding may be missing",
            de: "\(de) ließ sich für diese Datei nicht entscheiden: ein Muster brauchte für einen Wert zu viele Schritte, ein Befund kann fehlen",
            fixEN: "Shorten the setting's value, or report the rules and schema files to the vendor (docs/json-schema.md: the pattern step budget)",
            fixDE: "Den Wert der Einstellung kürzen oder die Regel- und Schemadateien dem Hersteller melden (docs/json-schema.md: das Schrittbudget der Muster)")
    }
}

/// The settings of one file as the rules see them: the value in the file, else the default.
struct RuleValues {
    let present: [String: String]
    let schema: SettingsSchema

    init(settings: [(name: String, value: String)], schema: SettingsSchema) {
        var present: [String: String] = [:]
        for setting in settings where present[setting.name] == nil { present[setting.name] = setting.value }
        self.present = present
        self.schema = schema
    }

    func effective(_ name: String) -> String? { present[name] ?? schema.properties[name]?.defaultValue }

    /// Whether `condition` holds; nil when it cannot be told (a `matches` whose pattern ran out
    /// of steps on the value), in three-valued logic: `all` is false if any part is false,
    /// `any` true if any part is true, else unknown parts make the whole unknown.
    func holds(_ condition: ConfigCondition) -> Bool? {
        switch condition {
        case let .all(conditions):
            let parts = conditions.map(holds)
            return parts.contains(false) ? false : parts.contains(nil) ? nil : true
        case let .any(conditions):
            let parts = conditions.map(holds)
            return parts.contains(true) ? true : parts.contains(nil) ? nil : false
        case let .not(inner): return holds(inner).map { !$0 }
        case let .present(name): return present[name] != nil
        case let .absent(name): return present[name] == nil
        case let .equals(setting, text): return effective(setting).map { $0 == text } ?? false
        case let .notEquals(setting, text): return effective(setting).map { $0 != text } ?? false
        case let .matches(setting, _, regex):
            guard let value = effective(setting) else { return false }
            let result = regex.validate(.string(value))
            return result.isDecided ? result.isValid : nil
        case let .test(setting, test):
            guard let value = effective(setting) else { return false }
            switch test {
            case .isTrue: return DotNetBoolean.parse(value) == true
            case .isFalse: return DotNetBoolean.parse(value) == false
            case .empty: return DotNetBoolean.trimmed(value).isEmpty
            case .publicIP: return PublicAddress.isPublic(value)
            }
        }
    }

    /// Fills `{release}`, `{setting}`, `{label}`, `{value}` (never a secret's) and `{removed}`;
    /// any other `{word}` stays as written.
    func fill(_ text: String, release: Version?, subject: String?, german: Bool) -> String {
        let declared = subject.flatMap { schema.properties[$0] }
        var result = ""
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            result += rest[..<open]
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}"),
                  !after[..<close].isEmpty, after[..<close].allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                result += "{"
                rest = after
                continue
            }
            let word = String(after[..<close])
            let replacement: String?
            switch word {
            case "release": replacement = release?.description ?? ""
            case "setting": replacement = subject
            case "label": replacement = subject.map { (german ? declared?.labelDE : declared?.title) ?? $0 }
            case "value": replacement = declared?.secret == true ? "(hidden)" : subject.map { effective($0) ?? "" }
            case "removed": replacement = declared?.removed
            default: replacement = nil
            }
            result += replacement ?? "{\(word)}"
            rest = after[after.index(after: close)...]
        }
        return result + rest
    }
}

/// .NET's `Boolean.Parse`: `True` or `False` in any case, white space around ignored.
enum DotNetBoolean {
    static func trimmed(_ text: String) -> Substring {
        let white: Set<Character> = [" ", "\t", "\r", "\n", "\r\n"]
        var slice = Substring(text)
        while let first = slice.first, white.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, white.contains(last) { slice = slice.dropLast() }
        return slice
    }

    static func parse(_ text: String) -> Bool? {
        switch trimmed(text).lowercased() {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }
}

/// Whether a text is an IP address outside the non-public blocks of docs/config.md. A pure
/// check of the text: nothing is resolved, a host name is never public.
enum PublicAddress {
    static func isPublic(_ text: String) -> Bool { IPAddress(String(DotNetBoolean.trimmed(text)))?.kind == .publicInternet }
}
