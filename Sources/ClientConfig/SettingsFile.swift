import CTICore

/// How .NET stores a setting's value (`serializeAs`): as text, or as an XML element.
public enum SerializeAs: String, Sendable, Equatable, CaseIterable {
    case string = "String"
    case xml = "Xml"
    case binary = "Binary"
    case providerSpecific = "ProviderSpecific"
}

/// One `<setting>` of a settings file, with the byte ranges an edit replaces.
public struct Setting: Sendable, Equatable {
    /// The section path, `group/section`: `userSettings/DatevConnector.Properties.Settings`.
    public let section: String
    public let name: String
    public let serializeAs: SerializeAs
    /// The value as .NET reads it: for `Xml`, the XML inside `<value>` exactly as written;
    /// otherwise the text with references replaced and line ends normalised.
    public let value: String
    /// The whole `<setting ...>...</setting>` element.
    public let elementRange: Range<Int>
    /// The `<setting ...>` start tag.
    public let startTagRange: Range<Int>
    /// The whole `<value>...</value>` (or `<value />`) element.
    public let valueRange: Range<Int>
    /// Between `<value>` and `</value>`; nil for `<value />`.
    public let valueContentRange: Range<Int>?
}

/// One settings section (`<DatevConnector.Properties.Settings>` inside `<userSettings>`).
public struct SettingsSection: Sendable, Equatable {
    /// `group/name`, as `Setting.section` names it.
    public let path: String
    /// `userSettings` or `applicationSettings`.
    public let group: String
    public let name: String
    public let elementRange: Range<Int>
    public let startTagRange: Range<Int>
    /// Between the start and the end tag; nil for a self-closed `<Section />`.
    public let contentRange: Range<Int>?
}

/// A .NET settings file as read: the original bytes and, in file order, its settings
/// sections and settings. Everything else in the file (other sections, comments, unknown
/// elements) is kept in `bytes` and left alone by edits.
public struct SettingsFile: Sendable, Equatable {
    /// What errors name: usually the path.
    public let source: String
    public let bytes: [UInt8]
    public let hasByteOrderMark: Bool
    public let sections: [SettingsSection]
    public let settings: [Setting]

    /// Reads a settings file; see `SettingsReader` for what is refused.
    public init(bytes: [UInt8], source: String) throws(CTIFailure) {
        self = try SettingsReader.read(bytes, source: source)
    }

    /// Reads the settings file at `path` (refusing one larger than `SettingsReader.sizeLimit`
    /// before reading it); errors name the path.
    public init(contentsOf path: String) throws(CTIFailure) {
        let bytes: [UInt8]
        do {
            bytes = try SafeFile.read(path, limit: Int64(SettingsReader.sizeLimit))
        } catch {
            throw CTIFailure(error)
        }
        self = try SettingsReader.read(bytes, source: path)
    }

    init(source: String, bytes: [UInt8], sections: [SettingsSection], settings: [Setting]) {
        self.source = source
        self.bytes = bytes
        self.hasByteOrderMark = bytes.starts(with: UTF8Text.byteOrderMark)
        self.sections = sections
        self.settings = settings
    }

    public func section(_ path: String) -> SettingsSection? { sections.first { $0.path == path } }

    public func setting(_ name: String, in section: String) -> Setting? {
        settings.first { $0.section == section && $0.name == name }
    }

    public func settings(in section: String) -> [Setting] { settings.filter { $0.section == section } }
}

/// A setting's identity: its section path and name.
struct SettingKey: Hashable, Sendable {
    let section: String
    let name: String
}
