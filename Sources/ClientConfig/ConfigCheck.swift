import CTICore
import JSONSchema
import ReleaseCatalog

/// Checks one settings file against a release of a product (docs/config.md, "ctictl config
/// check"): the release's schema validates the settings section, then the rules run.
public struct ConfigCheck: Sendable {
    /// Where the release that was checked came from.
    public enum ReleaseSource: String, Sendable {
        case option = "--version"
        case versionFolder = "version folder"
        case history = "config history"
        /// The least release that holds every setting present (`x-since`): "at least".
        case settings = "settings present"
        /// A product without catalogued releases: one schema holds for every release.
        case anyRelease = "any release"

        /// How text output names the source (the options stay as they are typed).
        public var text: LocalizedText {
            switch self {
            case .option: LocalizedText(en: rawValue, de: rawValue)
            case .versionFolder: LocalizedText(en: rawValue, de: "Versionsordner")
            case .history: LocalizedText(en: rawValue, de: "Konfigurationshistorie")
            case .settings: LocalizedText(en: rawValue, de: "vorhandene Einstellungen")
            case .anyRelease: LocalizedText(en: rawValue, de: "jede Version")
            }
        }
    }

    public let product: ProductSettings

    public init(product: ProductSettings) {
        self.product = product
    }

    /// The release to check `file` against: `option`, else the .NET version folder, else the
    /// release the config history says this exact content was written for (`recorded`), else
    /// the settings present. Nil for a product without releases. When it cannot be told:
    /// `config.release-undetermined` (64).
    public func release(of file: SettingsFile, option: Version?, versionFolder: String?, recorded: String? = nil) throws(CTIFailure) -> (Version?, ReleaseSource) {
        if let option { return (option, .option) }
        guard product.hasReleases else { return (nil, .anyRelease) }
        if let versionFolder, let version = try? Version(versionFolder) { return (version, .versionFolder) }
        if let recorded, let version = try? Version(recorded) { return (version, .history) }
        if let least = product.leastRelease(holding: settings(of: file).map(\.name)) { return (least, .settings) }
        throw CTIFailure.quoting(
            .configReleaseUndetermined,
            "\(file.source): the release of this file cannot be told (no version folder, no setting that only some releases have); pass --version V",
            german: "\(file.source): die Version dieser Datei ist nicht zu erkennen (kein Versionsordner, keine Einstellung, die nur manche Versionen haben); geben Sie --version V an")
    }

    /// The settings the product's schemas describe: the schema's section, or the file's first.
    func settings(of file: SettingsFile) -> [Setting] {
        guard let section = product.schemas[0].schema.section ?? file.sections.first?.path else { return [] }
        return file.settings(in: section)
    }

    /// Every finding for `file` on `release`: schema errors first (`config.value-invalid`, or a
    /// schema rule's own `x-code`), then the rules in file order.
    public func findings(for file: SettingsFile, release: Version?) -> [ConfigFinding] {
        let schema = product.schema(for: release)
        if schema.isPlaceholder {
            return [ConfigFinding(.info("config.nothing-to-check", en: "no settings of \(product.product) are known; nothing to check",
                                        de: "von \(product.product) sind keine Einstellungen bekannt; nichts zu prüfen"), setting: nil)]
        }
        var found: [ConfigFinding] = []
        if let section = schema.section, file.section(section) == nil {
            found.append(ConfigFinding(.warning(
                "config.section-missing",
                en: "the file has no section \(section): the client uses the default of every setting",
                de: "die Datei hat keinen Abschnitt \(section): der Client nimmt für jede Einstellung den Standardwert",
                fixEN: "check that this is the \(product.product) client's user.config",
                fixDE: "prüfen, ob dies die user.config des \(product.product)-Clients ist"), setting: nil))
        }
        let settings = self.settings(of: file).map { (name: $0.name, value: $0.value) }
        found += schemaFindings(settings, schema: schema)
        found += product.rules.findings(settings: settings, schema: schema, release: release)
        return found
    }

    /// One finding per setting the schema rejects, and one per schema rule (`x-code`) that fails.
    func schemaFindings(_ settings: [(name: String, value: String)], schema: SettingsSchema) -> [ConfigFinding] {
        var instance: [String: JSONValue] = [:]
        for setting in settings where instance[setting.name] == nil { instance[setting.name] = .string(setting.value) }
        var found: [ConfigFinding] = []
        var seen: Set<String> = []
        let validation = schema.schema.validate(.object(instance))
        if !validation.isDecided { found.append(ConfigFinding(ConfigRules.undecided(nil), setting: nil)) }
        for error in validation.isDecided ? validation.errors : [] {
            if let rule = schemaRule(at: error.keywordLocation, in: schema.schema) {
                if seen.insert(rule.code).inserted { found.append(ConfigFinding(rule, setting: nil)) }
                continue
            }
            let name = settingName(error.instanceLocation)
            guard let name, seen.insert("value-invalid " + name).inserted else { continue }
            let shown = schema.properties[name]?.secret == true ? "" : " \"\(instance[name]?.stringValue ?? "")\""
            found.append(ConfigFinding(.error(
                "config.value-invalid",
                en: "\(name): the value\(shown) is not valid here (\(error.message))",
                de: "\(name): der Wert\(shown) ist hier nicht gültig (\(error.message))",
                fixEN: "Set \(name) to a value the client reads\(schema.properties[name]?.defaultValue.map { ", e.g. its default \"\($0)\"" } ?? ""), or remove it",
                fixDE: "\(name) auf einen Wert setzen, den der Client liest\(schema.properties[name]?.defaultValue.map { ", z. B. den Standardwert \"\($0)\"" } ?? ""), oder entfernen"),
                setting: name))
        }
        // The validator's order is not the file's: list by the settings' order, schema rules last.
        let position = Dictionary(settings.enumerated().map { ($1.name, $0) }) { first, _ in first }
        return found.enumerated().sorted { a, b in
            let (x, y) = (a.element.setting.flatMap { position[$0] } ?? Int.max, b.element.setting.flatMap { position[$0] } ?? Int.max)
            return x != y ? x < y : a.offset < b.offset
        }.map(\.element)
    }

    /// `/XmppPort` → `XmppPort` (JSON Pointer escapes undone).
    private func settingName(_ instanceLocation: String) -> String? {
        let parts = instanceLocation.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return nil }
        var name = "", escaped = false
        for character in parts[1] {
            if escaped { name.append(character == "1" ? "/" : "~"); escaped = false } else if character == "~" { escaped = true } else { name.append(character) }
        }
        return name
    }

    /// The finding of the innermost subschema on the error's path that carries an `x-code`.
    private func schemaRule(at keywordLocation: String, in schema: JSONSchema) -> Finding? {
        var parts = keywordLocation.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        while parts.count > 1 {
            parts.removeLast()
            let location = parts.joined(separator: "/")
            guard let annotations = schema.declaredAnnotations(at: location) else { continue }
            func text(_ keyword: String) -> String? { annotations.first { $0.keyword == keyword && $0.instanceLocation == "" }?.value.stringValue }
            guard let code = text("x-code") else { continue }
            return .error(code, en: text("x-message-en") ?? code, de: text("x-message-de") ?? code,
                          fixEN: text("x-fix-en"), fixDE: text("x-fix-de"))
        }
        return nil
    }
}

extension ProductSettings {
    /// Whether a discovered file is this product's: the seed's layout always; in .NET's layout
    /// the application folder must start with the namespace of the schema's section
    /// (`DatevConnector.exe_Url_…` for `userSettings/DatevConnector.Properties.Settings`).
    public func owns(_ config: DiscoveredConfig) -> Bool {
        guard config.layout == .dotNet, let section = schemas[0].schema.section else { return true }
        let name = section.split(separator: "/").last.map(String.init) ?? section
        let namespace = name.split(separator: ".").first.map(String.init) ?? name
        return config.application?.lowercased().hasPrefix(namespace.lowercased()) ?? false
    }
}

/// The outcome for one file of `config check`: its findings, or why it could not be checked.
public struct ConfigCheckEntry: Sendable, Encodable {
    public struct Failure: Sendable, Encodable {
        public let code: String
        public let message: String
        public let exitStatus: Int32
        /// The message in German where one was written (for text output with `--lang de`).
        public let german: String?

        public init(_ failure: CTIFailure) {
            code = failure.code
            message = failure.message
            exitStatus = failure.kind.exitStatus
            german = failure.german
        }

        /// The message in both languages (English where no German was written).
        public var text: LocalizedText { LocalizedText(en: message, de: german ?? message) }

        private enum CodingKeys: String, CodingKey { case code, message, exitStatus }
    }

    public let path: String
    /// The profile folder's name, with `--root`.
    public let user: String?
    public let release: String?
    public let releaseSource: String?
    public let findings: [ConfigFinding]
    public let failure: Failure?

    /// 0 no finding (or only notes), 2 warnings, 1 an error; a failure's own status (64, 65).
    public var exitStatus: Int32 {
        if let failure { return failure.exitStatus }
        switch findings.map(\.finding).worstSeverity {
        case .error?: return 1
        case .warning?: return 2
        default: return 0
        }
    }

    /// The status of several entries: a failure's (65 before 64), else 1 before 2 before 0.
    public static func worstStatus(_ entries: [ConfigCheckEntry]) -> Int32 {
        let statuses = entries.map(\.exitStatus)
        if let failure = statuses.filter({ $0 > 2 }).max() { return failure }
        return statuses.contains(1) ? 1 : statuses.contains(2) ? 2 : 0
    }
}

extension ConfigCheck {
    /// Reads and checks one file; a file that does not read, or whose release cannot be told,
    /// becomes an entry with its failure, so the other files of a run are still checked.
    /// - Parameter recordedRelease: the release a store of past versions (the config history)
    ///   says these exact bytes were written for; handed the bytes already read, so nothing is
    ///   read twice.
    public func entry(
        path: String, user: String? = nil, version: Version?, versionFolder: String?, recordedRelease: ((String, [UInt8]) -> String?)? = nil
    ) -> ConfigCheckEntry {
        do {
            let file = try SettingsFile(contentsOf: path)
            let recorded = version == nil && versionFolder == nil ? recordedRelease?(path, file.bytes) : nil
            let (release, source) = try self.release(of: file, option: version, versionFolder: versionFolder, recorded: recorded)
            let shown = release.map { source == .settings ? ">=\($0)" : $0.description }
            return ConfigCheckEntry(path: path, user: user, release: shown, releaseSource: source.rawValue,
                                    findings: findings(for: file, release: release), failure: nil)
        } catch {
            return ConfigCheckEntry(path: path, user: user, release: nil, releaseSource: nil, findings: [],
                                    failure: .init(error))
        }
    }
}

extension ConfigFinding: Encodable {
    enum CodingKeys: String, CodingKey { case code, severity, setting, message, fix }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(finding.code, forKey: .code)
        try container.encode(finding.severity, forKey: .severity)
        try container.encodeIfPresent(setting, forKey: .setting)
        try container.encode(finding.message, forKey: .message)
        try container.encodeIfPresent(finding.fix, forKey: .fix)
    }
}
