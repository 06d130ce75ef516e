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

// MARK: - Migrations (Migration*.swift)

extension ErrorCode {
    /// A migration file that does not read: bad JSON, an unknown step kind or member, a bad version.
    public static let configMigrationMalformed = ErrorCode("config.migration-malformed", .malformedInput)
    /// Migration files that do not form a chain: overlapping, misnamed, or naming a release the catalog lacks.
    public static let configMigrationChainBroken = ErrorCode("config.migration-chain-broken", .malformedInput)
    /// A file the steps cannot migrate as it is: a rename or move onto a setting with another
    /// value, a setting to add to a section the file lacks.
    public static let configMigrationConflict = ErrorCode("config.migration-conflict", .invalid)
    /// The migrations run on their own result would change it again: the files contradict each other.
    public static let configMigrationNotIdempotent = ErrorCode("config.migration-not-idempotent", .malformedInput)
    /// A config written by a release newer than every known one: never rewritten.
    public static let configVersionTooNew = ErrorCode("config.version-too-new", .invalid)
    /// A release to migrate from or to that is not known, or a migration backwards.
    public static let configReleaseUnknown = ErrorCode("config.release-unknown", .usage)
}

// MARK: - Rules and checks (ConfigRules*.swift, ConfigCheck*.swift)

extension ErrorCode {
    /// A rules.json that does not read: bad JSON, an unknown member, a bad range, condition or regex.
    public static let configRulesMalformed = ErrorCode("config.rules-malformed", .malformedInput)
    /// A settings schema or releases.json of config-schemas that is missing or does not read.
    public static let configSchemaUnusable = ErrorCode("config.schema-unusable", .malformedInput)
    /// The release of a file cannot be told: pass `--version`.
    public static let configReleaseUndetermined = ErrorCode("config.release-undetermined", .usage)
}
