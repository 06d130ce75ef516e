import CTICore
import ReleaseCatalog

/// What one migration step does to a settings file. Every step states the result it wants,
/// so a step whose result is already there does nothing (running a migration twice changes
/// nothing the second time). Sections are paths, `userSettings/X.Properties.Settings`.
public enum MigrationAction: Sendable, Equatable {
    /// `name` becomes `to` in the same section, keeping its value and `serializeAs`.
    case rename(section: String, name: String, to: String)
    /// A new value for an existing setting; with `ifEquals`, only while it holds that value.
    case set(section: String, name: String, value: String, ifEquals: String?)
    /// The setting goes.
    case remove(section: String, name: String)
    /// The setting goes to another section, keeping its value and `serializeAs`.
    case move(section: String, name: String, toSection: String)
    /// The setting is added with this value when the section lacks it.
    case `default`(section: String, name: String, serializeAs: SerializeAs, value: String)

    /// The kinds as the JSON spells them.
    public static let kinds = ["rename", "set", "remove", "move", "default"]
}

/// A named step of a migration, in its place in the file.
public struct MigrationStep: Sendable, Equatable {
    public let name: String
    public let action: MigrationAction
    /// Why the step exists (a release note, the FAQ), for people.
    public let note: String?
}

/// The steps from one release to a later one: one file
/// `config-schemas/<product>/migrations/<from>-to-<to>.json` (docs/config.md).
public struct Migration: Sendable {
    public let from: Version
    public let to: Version
    public let steps: [MigrationStep]
    public let note: String?
    /// What errors name: the path of the file.
    public let source: String

    /// The largest migration file read.
    public static let fileLimit: Int64 = 1 << 20

    /// `2.4.4.1 → 2.6`, how plans and change lists name a migration.
    public var label: String { "\(from) → \(to)" }

    /// Reads a migration; every error names `source`, the JSON path and what is wrong.
    public init(jsonBytes: [UInt8], source: String) throws(CTIFailure) {
        self.source = source
        (from, to, note, steps) = try DataFileReading.decode(.configMigrationMalformed, source: source, what: "the migration") {
            let root = try JSONObjectReader(try JSONRead.value(jsonBytes))
            var reader = MigrationReader(source: source)
            try reader.allowOnly(["$schema", "from", "to", "section", "note", "steps"], in: root, what: "a migration")
            let from = try reader.version(root, "from")
            let to = try reader.version(root, "to")
            guard from < to else { throw reader.fail("to", "must be a later release than from (\(from)); migrations go forward") }
            let note = try root.optionalString("note")
            let section = try root.optionalString("section")
            if let section { try reader.checkSection(section, at: "section") }
            let steps = try root.objectArray("steps").map { (step) throws -> MigrationStep in
                try reader.step(step, defaultSection: section)
            }
            guard !steps.isEmpty else { throw reader.fail("steps", "is empty; a migration without steps is not needed (delete the file)") }
            return (from, to, note, steps)
        }
    }

    /// Reads `path`, refusing a file larger than `fileLimit`.
    public init(contentsOf path: String) throws(CTIFailure) {
        try self.init(jsonBytes: try DataFileReading.bytes(path, limit: Self.fileLimit), source: path)
    }
}

/// Reads the members of a migration file, with errors naming the file and the JSON path.
private struct MigrationReader {
    let source: String

    func fail(_ path: String, _ reason: String) -> CTIFailure {
        CTIFailure.quoting(.configMigrationMalformed, "\(source): \(path) \(reason)")
    }

    /// Unknown members are refused: a misspelt `ifEquals` would otherwise turn a conditional
    /// step into an unconditional one.
    func allowOnly(_ members: [String], in object: JSONObjectReader, what: String) throws(CTIFailure) {
        for member in object.members.keys.sorted() where !members.contains(member) {
            let hint = NearestName.closest(to: member, among: members).map { "did you mean \"\($0)\"? " } ?? ""
            throw fail(Self.path(object, member), "is not a member of \(what); \(hint)(members: \(members.joined(separator: ", ")))")
        }
    }

    static func path(_ object: JSONObjectReader, _ member: String) -> String { object.path.isEmpty ? member : "\(object.path).\(member)" }

    func version(_ object: JSONObjectReader, _ member: String) throws -> Version {
        let text = try object.string(member)
        do {
            return try Version(text)
        } catch {
            throw fail(Self.path(object, member), "is not a version: \(error.message)")
        }
    }

    /// `userSettings/Name` or `applicationSettings/Name`, as `Setting.section` names sections.
    func checkSection(_ section: String, at path: String) throws(CTIFailure) {
        let parts = section.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, SettingsReader.settingsGroups.contains(String(parts[0])), !parts[1].isEmpty else {
            throw fail(path, "\"\(section)\" is not a section path; write group/section, e.g. userSettings/DatevConnector.Properties.Settings (groups: applicationSettings, userSettings)")
        }
    }

    func nonEmpty(_ object: JSONObjectReader, _ member: String) throws -> String {
        let text = try object.string(member)
        guard !text.isEmpty, !text.unicodeScalars.contains(where: TerminalText.isControl) else {
            throw fail(Self.path(object, member), "must be a name without control characters, not \"\(text)\"")
        }
        return text
    }

    mutating func step(_ object: JSONObjectReader, defaultSection: String?) throws -> MigrationStep {
        let name = try nonEmpty(object, "name")
        guard names.insert(name).inserted else { throw fail(Self.path(object, "name"), "\"\(name)\" names an earlier step too; step names are unique in a file") }
        let kind = try object.string("kind")
        let common = ["name", "kind", "section", "note", "setting"]
        let section: String
        if let own = try object.optionalString("section") {
            try checkSection(own, at: Self.path(object, "section"))
            section = own
        } else if let defaultSection {
            section = defaultSection
        } else {
            throw fail(Self.path(object, "section"), "is missing (and the migration has no \"section\" for all its steps)")
        }
        let setting = try nonEmpty(object, "setting")
        let action: MigrationAction
        switch kind {
        case "rename":
            try allowOnly(common + ["to"], in: object, what: "a rename step")
            let target = try nonEmpty(object, "to")
            guard target != setting else { throw fail(Self.path(object, "to"), "is the setting's own name") }
            action = .rename(section: section, name: setting, to: target)
        case "set":
            try allowOnly(common + ["value", "ifEquals"], in: object, what: "a set step")
            action = .set(section: section, name: setting, value: try object.string("value"), ifEquals: try object.optionalString("ifEquals"))
        case "remove":
            try allowOnly(common, in: object, what: "a remove step")
            action = .remove(section: section, name: setting)
        case "move":
            try allowOnly(common + ["toSection"], in: object, what: "a move step")
            let target = try object.string("toSection")
            try checkSection(target, at: Self.path(object, "toSection"))
            guard target != section else { throw fail(Self.path(object, "toSection"), "is the section the setting is in") }
            action = .move(section: section, name: setting, toSection: target)
        case "default":
            try allowOnly(common + ["value", "serializeAs"], in: object, what: "a default step")
            let kindText = try object.optionalString("serializeAs") ?? SerializeAs.string.rawValue
            guard let serializeAs = SerializeAs(rawValue: kindText) else {
                throw fail(Self.path(object, "serializeAs"), "\"\(kindText)\" is not one of \(SerializeAs.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let value = try object.string("value")
            if serializeAs == .xml {
                do {
                    try MarkupReader.checkContent(Array(value.utf8), source: "value", depthLimit: SettingsReader.depthLimit)
                } catch {
                    throw fail(Self.path(object, "value"), "is not XML content (\(error.message)), as an Xml setting's value must be")
                }
            }
            action = .default(section: section, name: setting, serializeAs: serializeAs, value: value)
        default:
            let hint = NearestName.closest(to: kind, among: MigrationAction.kinds).map { "did you mean \"\($0)\"? " } ?? ""
            throw fail(Self.path(object, "kind"), "\"\(kind)\" is not a step kind; \(hint)(kinds: \(MigrationAction.kinds.joined(separator: ", ")))")
        }
        return MigrationStep(name: name, action: action, note: try object.optionalString("note"))
    }

    private var names: Set<String> = []

    init(source: String) { self.source = source }
}
