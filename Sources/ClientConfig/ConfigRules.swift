import CTICore
import JSONSchema
import ReleaseCatalog

/// The rules of one product (`config-schemas/<product>/rules.json`, docs/config.md "Rules"):
/// what a settings schema cannot say, each a finding with a stable code. Read strictly: an
/// unknown member, a bad range, condition or regular expression is an error naming the file
/// and the JSON path.
public struct ConfigRules: Sendable {
    public let product: String
    public let rules: [ConfigRule]

    /// The largest rules file read.
    public static let fileLimit: Int64 = 1 << 20

    /// `patterns`: when the `matches` expressions are compiled by the engine (see JSONSchema).
    public init(jsonBytes: [UInt8], source: String) throws(CTIFailure) {
        let reader = RulesReader(source: source)
        (product, rules) = try DataFileReading.decode(.configRulesMalformed, source: source, what: "the rules file") {
            let root = try JSONObjectReader(try JSONRead.value(jsonBytes))
            try reader.allowOnly(["$schema", "product", "source", "notes", "rules"], in: root, what: "a rules file")
            _ = try root.optionalStringArray("notes")
            _ = try root.optionalString("source")
            let rules = try root.objectArray("rules").map { (rule) throws -> ConfigRule in try reader.rule(rule) }
            try reader.checkRepeatedCodes(rules)
            return (try root.string("product"), rules)
        }
    }

    /// Reads `path`, refusing a file larger than `fileLimit`.
    public init(contentsOf path: String) throws(CTIFailure) {
        try self.init(jsonBytes: try DataFileReading.bytes(path, limit: Self.fileLimit), source: path)
    }
}

/// One rule: a finding for the settings of a release when its condition holds (or one per
/// undeclared or removed setting).
public struct ConfigRule: Sendable {
    public enum Subjects: Sendable {
        /// One finding when the condition holds, about `setting` (nil: the file as a whole).
        case when(ConfigCondition, setting: String?)
        /// One finding per setting of the file that the release's schema does not declare.
        case undeclared
        /// One finding per setting of the file that the release's schema declares removed.
        case removed
    }

    public let code: String
    public let severity: Severity
    /// The releases the rule applies to; nil for `*` (every release, also an unknown one).
    public let releases: VersionRange?
    public let subjects: Subjects
    public let message: LocalizedText
    public let fix: LocalizedText

    /// Whether the rule applies to `release` (nil: not known, then only `*` rules apply).
    public func applies(to release: Version?) -> Bool {
        guard let releases else { return true }
        guard let release else { return false }
        return releases.contains(release)
    }
}

/// The condition language of docs/config.md.
public indirect enum ConfigCondition: Sendable {
    public enum Test: String, Sendable, CaseIterable {
        case isTrue = "true", isFalse = "false", empty, publicIP = "public-ip"
    }

    case all([ConfigCondition])
    case any([ConfigCondition])
    case not(ConfigCondition)
    case present(String)
    case absent(String)
    case equals(setting: String, String)
    case notEquals(setting: String, String)
    /// The pattern as written and compiled by the JSON Schema validator (its `pattern` dialect).
    case matches(setting: String, pattern: String, regex: JSONSchema)
    case test(setting: String, Test)
}

/// Reads the members of a rules file, with errors naming the file and the JSON path.
private struct RulesReader {
    let source: String

    func fail(_ path: String, _ reason: String) -> CTIFailure {
        CTIFailure.quoting(.configRulesMalformed, "\(source): \(path) \(reason)")
    }

    static func path(_ object: JSONObjectReader, _ member: String) -> String { object.path.isEmpty ? member : "\(object.path).\(member)" }

    func allowOnly(_ members: [String], in object: JSONObjectReader, what: String) throws(CTIFailure) {
        for member in object.members.keys.sorted() where !members.contains(member) {
            let hint = NearestName.closest(to: member, among: members).map { "did you mean \"\($0)\"? " } ?? ""
            throw fail(Self.path(object, member), "is not a member of \(what); \(hint)(members: \(members.joined(separator: ", ")))")
        }
    }

    func rule(_ object: JSONObjectReader) throws -> ConfigRule {
        try allowOnly(["code", "severity", "releases", "setting", "when", "forEachSetting", "message", "fix", "source"], in: object, what: "a rule")
        let code = try object.string("code")
        guard Self.isCode(code) else {
            throw fail(Self.path(object, "code"), "\"\(code)\" is not a finding code; write config. and lower-case words joined by -, e.g. config.host-missing")
        }
        let severityText = try object.string("severity")
        guard let severity = Severity(rawValue: severityText), severity != .info else {
            throw fail(Self.path(object, "severity"), "\"\(severityText)\" is not a severity (error, warning)")
        }
        let rangeText = try object.string("releases")
        let releases: VersionRange?
        do {
            let range = try VersionRange(rangeText)
            releases = range.intervals.count == 1 && range.intervals[0].lower == nil && range.intervals[0].upper == nil ? nil : range
        } catch {
            throw fail(Self.path(object, "releases"), "\"\(rangeText)\" is not a release range: \(error.message)")
        }
        let subjects: ConfigRule.Subjects
        switch (object.contains("when"), try object.optionalString("forEachSetting")) {
        case (true, nil):
            let setting = try object.optionalString("setting")
            if let setting { try settingName(setting, at: Self.path(object, "setting")) }
            subjects = .when(try condition(try object.object("when").members, at: Self.path(object, "when")), setting: setting)
        case (false, "undeclared"?) where !object.contains("setting"):
            subjects = .undeclared
        case (false, "removed"?) where !object.contains("setting"):
            subjects = .removed
        case (false, let each?) where each != "undeclared" && each != "removed":
            throw fail(Self.path(object, "forEachSetting"), "\"\(each)\" is not undeclared or removed")
        default:
            throw fail(object.path, "needs exactly one of when (with an optional setting) and forEachSetting (without setting)")
        }
        return ConfigRule(code: code, severity: severity, releases: releases, subjects: subjects,
                          message: try text(object, "message"), fix: try text(object, "fix"))
    }

    /// A code may repeat only for another subject or on releases that do not overlap, so a
    /// release gets at most one finding per code and subject.
    func checkRepeatedCodes(_ rules: [ConfigRule]) throws(CTIFailure) {
        func subject(_ rule: ConfigRule) -> String {
            switch rule.subjects {
            case let .when(_, setting): return setting ?? "(the file)"
            case .undeclared: return "(each undeclared setting)"
            case .removed: return "(each removed setting)"
            }
        }
        for (index, rule) in rules.enumerated() {
            for earlier in rules[..<index] where earlier.code == rule.code && subject(earlier) == subject(rule) {
                guard let a = earlier.releases, let b = rule.releases,
                      !a.intervals.contains(where: { x in b.intervals.contains { y in Self.overlap(x, y) } }) else {
                    throw fail("rules[\(index)]", "repeats \(rule.code) for \(subject(rule)) on releases that overlap an earlier rule's; give it another code, subject or releases")
                }
            }
        }
    }

    static func overlap(_ a: VersionRange.Interval, _ b: VersionRange.Interval) -> Bool {
        func before(_ x: VersionRange.Interval, _ y: VersionRange.Interval) -> Bool {
            guard let upper = x.upper, let lower = y.lower else { return false }
            return upper.version < lower.version || (upper.version == lower.version && !(upper.inclusive && lower.inclusive))
        }
        return !before(a, b) && !before(b, a)
    }

    func text(_ object: JSONObjectReader, _ member: String) throws -> LocalizedText {
        let text = try object.object(member)
        try allowOnly(["de", "en"], in: text, what: "a text")
        let de = try text.string("de"), en = try text.string("en")
        guard !de.isEmpty, !en.isEmpty else { throw fail(text.path, "needs a German (de) and an English (en) text, neither empty") }
        return LocalizedText(en: en, de: de)
    }

    func settingName(_ name: String, at path: String) throws(CTIFailure) {
        let scalars = Array(name.unicodeScalars)
        func letter(_ s: Unicode.Scalar) -> Bool { ("A"..."Z").contains(s) || ("a"..."z").contains(s) || s == "_" }
        guard let first = scalars.first, letter(first),
              scalars.dropFirst().allSatisfy({ letter($0) || ("0"..."9").contains($0) || $0 == "." }) else {
            throw fail(path, "\"\(name)\" is not a setting name (letters, digits, _ and ., starting with a letter or _)")
        }
    }

    static func isCode(_ code: String) -> Bool {
        guard code.hasPrefix("config.") else { return false }
        let words = code.dropFirst("config.".count).split(separator: "-", omittingEmptySubsequences: false)
        return words.allSatisfy { !$0.isEmpty && $0.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) } }
    }

    /// One condition object: exactly one form, no other member.
    func condition(_ members: [String: JSONValue], at path: String) throws -> ConfigCondition {
        let object = try JSONObjectReader(.object(members), path: path)
        if let list = members["all"] ?? members["any"] {
            let key = members["all"] != nil ? "all" : "any"
            try allowOnly([key], in: object, what: "an \(key) condition")
            guard case let .array(items) = list, !items.isEmpty else { throw fail("\(path).\(key)", "must be a non-empty array of conditions") }
            var conditions: [ConfigCondition] = []
            for (index, item) in items.enumerated() {
                guard case let .object(inner) = item else { throw fail("\(path).\(key)[\(index)]", "must be a condition object") }
                conditions.append(try condition(inner, at: "\(path).\(key)[\(index)]"))
            }
            return key == "all" ? .all(conditions) : .any(conditions)
        }
        if let inner = members["not"] {
            try allowOnly(["not"], in: object, what: "a not condition")
            guard case let .object(innerMembers) = inner else { throw fail("\(path).not", "must be a condition object") }
            return .not(try condition(innerMembers, at: "\(path).not"))
        }
        for key in ["present", "absent"] where members[key] != nil {
            try allowOnly([key], in: object, what: "a \(key) condition")
            let name = try object.string(key)
            try settingName(name, at: "\(path).\(key)")
            return key == "present" ? .present(name) : .absent(name)
        }
        guard members["setting"] != nil else {
            throw fail(path, "is not a condition; write one of all, any, not, present, absent, or setting with equals, notEquals, matches or is")
        }
        let tests = ["equals", "notEquals", "matches", "is"].filter { members[$0] != nil }
        guard tests.count == 1, let test = tests.first else {
            throw fail(path, "needs exactly one of equals, notEquals, matches and is beside setting")
        }
        try allowOnly(["setting", test], in: object, what: "a setting test")
        let setting = try object.string("setting")
        try settingName(setting, at: "\(path).setting")
        let operand = try object.string(test)
        switch test {
        case "equals": return .equals(setting: setting, operand)
        case "notEquals": return .notEquals(setting: setting, operand)
        case "matches":
            do {
                return .matches(setting: setting, pattern: operand, regex: try JSONSchema(document: .object(["pattern": .string(operand)]), source: "\(source): \(path).matches"))
            } catch {
                throw fail("\(path).matches", "\"\(operand)\" is not a regular expression of JSON Schema's pattern dialect (\(error.message))")
            }
        default:
            guard let kind = ConfigCondition.Test(rawValue: operand) else {
                throw fail("\(path).is", "\"\(operand)\" is not a test (\(ConfigCondition.Test.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return .test(setting: setting, kind)
        }
    }
}
