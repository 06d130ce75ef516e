import CTICore

/// Reads a .NET settings file (`user.config`, `App.config`):
///
///     <configuration>
///       <userSettings>                              (or applicationSettings)
///         <DatevConnector.Properties.Settings>      (a section)
///           <setting name="UseTapiLine" serializeAs="String">
///             <value>False</value>
///           </setting>
///
/// Strict where .NET is: one `<value>` per setting, `name` and `serializeAs` required, no
/// setting or section twice. Other sections (`configSections`, `appSettings`, ...) and other
/// elements are kept in the bytes and not read.
public enum SettingsReader {
    /// Larger files are refused before parsing: a user.config is a few kilobytes.
    public static let sizeLimit = 4 << 20
    /// Deeper nesting is refused: settings sit at depth 4, Xml values add a few levels.
    public static let depthLimit = 64
    public static let settingsGroups: Set<String> = ["userSettings", "applicationSettings"]

    public static func read(_ bytes: [UInt8], source: String) throws(CTIFailure) -> SettingsFile {
        let errors = SourceErrors(source: source, bytes: bytes)
        guard bytes.count <= sizeLimit else {
            throw CTIFailure.quoting(.configTooLarge, "\(source): the file is \(bytes.count) bytes, more than the \(sizeLimit) bytes a settings file may have; is it the right file?")
        }
        let root = try MarkupReader.document(bytes, source: source, depthLimit: depthLimit)
        guard root.name == "configuration" else {
            throw errors.failure(.configNotSettings, at: root.startTag.lowerBound, "the root element is <\(root.name)>, not <configuration>: not a .NET settings file")
        }
        var sections: [SettingsSection] = []
        var settings: [Setting] = []
        // Where each section and setting was first seen, to name both places of a duplicate.
        var seenSections: [String: Int] = [:]
        var seenSettings: [SettingKey: Int] = [:]
        for group in root.childElements where settingsGroups.contains(group.name) {
            for element in group.childElements {
                let section = SettingsSection(
                    path: "\(group.name)/\(element.name)", group: group.name, name: element.name, elementRange: element.range,
                    startTagRange: element.startTag, contentRange: element.content)
                if let first = seenSections.updateValue(element.startTag.lowerBound, forKey: section.path) {
                    throw errors.failure(.configNotSettings, at: element.startTag.lowerBound, "the section \(section.path) appears twice (first at \(errors.position(first))); .NET refuses such a file: merge them")
                }
                sections.append(section)
                for case let setting in element.childElements where setting.name == "setting" {
                    let read = try readSetting(setting, section: section.path, bytes: bytes, errors: errors)
                    if let first = seenSettings.updateValue(setting.startTag.lowerBound, forKey: SettingKey(section: read.section, name: read.name)) {
                        throw errors.failure(.configNotSettings, at: setting.startTag.lowerBound, "the setting \(read.name) appears twice in \(section.path) (first at \(errors.position(first))); .NET refuses such a file: remove one")
                    }
                    settings.append(read)
                }
            }
        }
        return SettingsFile(source: source, bytes: bytes, sections: sections, settings: settings)
    }

    private static func readSetting(_ element: MarkupElement, section: String, bytes: [UInt8], errors: SourceErrors) throws(CTIFailure) -> Setting {
        let at = element.startTag.lowerBound
        guard let name = element.attribute("name")?.value, !name.isEmpty else {
            throw errors.failure(.configNotSettings, at: at, "a <setting> in \(section) has no name=\"...\"")
        }
        guard let kindText = element.attribute("serializeAs")?.value else {
            throw errors.failure(.configNotSettings, at: at, "the setting \(name) has no serializeAs=\"...\" (String, Xml, Binary or ProviderSpecific)")
        }
        guard let kind = SerializeAs(rawValue: kindText) else {
            throw errors.failure(.configNotSettings, at: at, "the setting \(name) has serializeAs=\"\(kindText)\"; expected String, Xml, Binary or ProviderSpecific")
        }
        let values = element.childElements.filter { $0.name == "value" }
        guard let valueElement = values.first else {
            throw errors.failure(.configNotSettings, at: at, "the setting \(name) has no <value>; write <value /> for an empty one")
        }
        guard values.count == 1 else {
            throw errors.failure(.configNotSettings, at: values[1].startTag.lowerBound, "the setting \(name) has a second <value>; a setting has one")
        }
        let value: String
        if kind == .xml {
            value = valueElement.content.map { UTF8Text.string(bytes[$0]) } ?? ""
        } else {
            if let inner = valueElement.childElements.first {
                throw errors.failure(.configNotSettings, at: inner.startTag.lowerBound, "the setting \(name) is serializeAs=\"\(kind.rawValue)\" but its value holds the element <\(inner.name)>; write the text escaped (&lt;) or use serializeAs=\"Xml\"")
            }
            value = valueElement.text
        }
        return Setting(
            section: section, name: name, serializeAs: kind, value: value, elementRange: element.range, startTagRange: element.startTag,
            valueRange: valueElement.range, valueContentRange: valueElement.content)
    }
}
