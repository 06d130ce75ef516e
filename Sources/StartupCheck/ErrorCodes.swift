import CTICore

/// The codes of the startup check's own findings (stable: clients match on them).
extension ErrorCode {
    public static let startupInputTooLarge = ErrorCode("startup.input-too-large", .malformedInput)
    public static let startupTooManyEndorsements = ErrorCode("startup.too-many-endorsements", .malformedInput)
    public static let startupLicenseMissing = ErrorCode("startup.license-missing", .invalid)
    public static let startupKeyringMissing = ErrorCode("startup.keyring-missing", .invalid)
    public static let startupCatalogMissing = ErrorCode("startup.catalog-missing", .invalid)
    public static let startupSchemasMissing = ErrorCode("startup.config-schemas-missing", .usage)
    public static let startupStateDamaged = ErrorCode("startup.state-damaged", .invalid)
    public static let startupInternal = ErrorCode("startup.internal", .internal)
    public static let startupPBXUnknown = ErrorCode("startup.pbx-version-unknown", .invalid)
}

/// The codes of the programs around the check (request reading, state writing).
extension ErrorCode {
    public static let startupRequestMalformed = ErrorCode("startup.request-malformed", .usage)
    public static let startupRequestIncomplete = ErrorCode("startup.request-incomplete", .usage)
    public static let startupStateNotSaved = ErrorCode("startup.state-not-saved", .invalid)
}
