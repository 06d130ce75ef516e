import CTICore

/// The error codes this module throws (stable: scripts and support match on them; docs/config.md).
extension ErrorCode {
    /// Not well-formed XML: an unclosed or mismatched tag, a bad attribute, an invalid character.
    public static let configMalformedXML = ErrorCode("config.malformed-xml", .malformedInput)
    /// A DOCTYPE: refused, so no entity (internal or external) can ever be declared.
    public static let configDoctypeRefused = ErrorCode("config.doctype-refused", .malformedInput)
    /// An entity reference other than the five XML predefines (`&lt;` `&gt;` `&amp;` `&apos;` `&quot;`).
    public static let configUndefinedEntity = ErrorCode("config.undefined-entity", .malformedInput)
    /// Not UTF-8: a UTF-16 or UTF-32 byte order mark, another declared encoding, broken UTF-8.
    public static let configUnsupportedEncoding = ErrorCode("config.unsupported-encoding", .malformedInput)
    /// Larger than `SettingsReader.sizeLimit`.
    public static let configTooLarge = ErrorCode("config.too-large", .malformedInput)
    /// Elements nested deeper than `SettingsReader.depthLimit`.
    public static let configTooDeep = ErrorCode("config.too-deep", .malformedInput)
    /// Well-formed XML, but not a .NET settings file: another root, a setting without name,
    /// serializeAs or value, a setting or section twice.
    public static let configNotSettings = ErrorCode("config.not-a-settings-file", .malformedInput)
    /// An edit names a section or setting the file does not have.
    public static let configEditTargetMissing = ErrorCode("config.edit-target-missing", .usage)
    /// An edit adds a setting that exists, or two edits touch the same setting.
    public static let configEditConflict = ErrorCode("config.edit-conflict", .usage)
    /// A new value or name that XML cannot hold (a control character, broken XML in an Xml value).
    public static let configEditValueInvalid = ErrorCode("config.edit-value-invalid", .usage)
    /// The edited file would not read back as intended: the editor's fault, nothing is written.
    public static let configEditFailed = ErrorCode("config.edit-failed", .internal)
    /// The discovery root is not a directory.
    public static let configRootNotDirectory = ErrorCode("config.root-not-a-directory", .usage)
}
