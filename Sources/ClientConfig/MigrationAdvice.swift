import CTICore
import ReleaseCatalog

/// The settings step of an upgrade plan (`compat plan`): the `config migrate` command for the
/// way between two releases, and what the migrations on that way change, per setting.
public struct MigrationAdvice: SettingsMigrationAdvisor {
    public let product: String
    public let migrations: MigrationSet
    /// The product's releases (its catalog).
    public let releases: [Version]
    /// The users' profile folder for `--root`; nil puts the placeholder `PROFILES` (explained).
    public let root: String?
    /// The catalog folder as the user named it (`--catalog-dir`), so the command finds the
    /// same migrations; nil when it was found by default.
    public let catalogDirectory: String?

    public init(product: String, migrations: MigrationSet, releases: [Version], root: String?, catalogDirectory: String?) {
        self.product = product
        self.migrations = migrations
        self.releases = releases
        self.root = root
        self.catalogDirectory = catalogDirectory
    }

    static let placeholder = "PROFILES"

    public func migration(from: Version, to: Version) throws(CTIFailure) -> SettingsMigration? {
        let plan = try migrations.plan(from: from, to: to, releases: releases)
        guard !plan.isEmpty else { return nil }
        var words = ["ctictl", "config", "migrate", "--root", root.map(Self.shellWord) ?? Self.placeholder, "--product", Self.shellWord(product)]
        if let catalogDirectory { words += ["--catalog-dir", Self.shellWord(catalogDirectory)] }
        words += ["--from", from.description, "--to", to.description]
        let command = words.joined(separator: " ")
        let legend = root == nil ? LocalizedText(
            en: "\(Self.placeholder): the folder of the users' profiles, copied or mounted (see config migrate --root).",
            de: "\(Self.placeholder): der Ordner der Benutzerprofile, kopiert oder eingehängt (siehe config migrate --root).") : nil
        return SettingsMigration(
            commands: [command + " --dry-run", command], changes: Self.changes(plan), legend: legend,
            releases: plan.migrations.map(\.to.description))
    }

    /// One text per setting, its steps in order with the release that brings each:
    /// `UseTapiLine: set to "False" (2.4.4.1), removed (2.6)`.
    static func changes(_ plan: MigrationPlan) -> [LocalizedText] {
        var settings: [String] = []
        var steps: [String: [LocalizedText]] = [:]
        for (migration, step) in plan.steps {
            let name = step.action.setting
            if steps[name] == nil { settings.append(name) }
            let what = step.action.summary
            steps[name, default: []].append(LocalizedText(en: "\(what.en) (\(migration.to))", de: "\(what.de) (\(migration.to))"))
        }
        return settings.map { name in
            let list = steps[name] ?? []
            return LocalizedText(
                en: "\(name): " + list.map(\.en).joined(separator: ", "), de: "\(name): " + list.map(\.de).joined(separator: ", "))
        }
    }

    /// `word` as one word for a POSIX shell: as it is when it holds only safe characters, else
    /// in single quotes.
    static func shellWord(_ word: String) -> String {
        let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-")
        if !word.isEmpty && word.allSatisfy(safe.contains) { return word }
        return "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}

extension MigrationAction {
    /// The setting the step acts on.
    var setting: String {
        switch self {
        case .rename(_, let name, _), .set(_, let name, _, _), .remove(_, let name), .move(_, let name, _), .default(_, let name, _, _): name
        }
    }

    /// What the step does, without the setting's name.
    var summary: LocalizedText {
        switch self {
        case .rename(_, _, let to):
            return LocalizedText(en: "renamed to \(to)", de: "umbenannt in \(to)")
        case .set(_, _, let value, nil):
            return LocalizedText(en: "set to \"\(value)\"", de: "auf \"\(value)\" gesetzt")
        case .set(_, _, let value, let expected?):
            return LocalizedText(en: "set to \"\(value)\" where it is \"\(expected)\"", de: "auf \"\(value)\" gesetzt, wo es \"\(expected)\" ist")
        case .remove:
            return LocalizedText(en: "removed", de: "entfernt")
        case .move(_, _, let section):
            return LocalizedText(en: "moved to \(section)", de: "verschoben nach \(section)")
        case .default(_, _, _, let value):
            return LocalizedText(en: "added as \"\(value)\" where missing", de: "als \"\(value)\" ergänzt, wo es fehlt")
        }
    }
}
