import CTICore

/// The error codes this module throws (stable: scripts and support match on them; docs/cli.md).
extension ErrorCode {
    /// A failure of ctictl itself, not of its input (exit 70).
    public static let internalError = ErrorCode("internal", .internal)
    public static let ledgerLicenseUnreadable = ErrorCode("ledger.license-unreadable", .malformedInput)
    public static let usageBadDate = ErrorCode("usage.bad-date", .usage)
    public static let usageBadKid = ErrorCode("usage.bad-kid", .usage)
    public static let usageBatchConflict = ErrorCode("usage.batch-conflict", .usage)
    public static let usageBatchOnly = ErrorCode("usage.batch-only", .usage)
    public static let usageExportSource = ErrorCode("usage.export-source", .usage)
    public static let usageKeyNotActive = ErrorCode("usage.key-not-active", .usage)
    public static let usageKeyNotInKeyring = ErrorCode("usage.key-not-in-keyring", .usage)
    public static let usageKeyringMissing = ErrorCode("usage.keyring-missing", .usage)
    public static let usageKidMismatch = ErrorCode("usage.kid-mismatch", .usage)
    public static let usageKidUnknown = ErrorCode("usage.kid-unknown", .usage)
    public static let usageMatrixAll = ErrorCode("usage.matrix-all", .usage)
    public static let usageMissing = ErrorCode("usage.missing", .usage)
    public static let usageNoProducts = ErrorCode("usage.no-products", .usage)
    public static let usageOutUnwritable = ErrorCode("usage.out-unwritable", .usage)
    public static let usagePassphraseEmpty = ErrorCode("usage.passphrase-empty", .usage)
    public static let usagePbxRequired = ErrorCode("usage.pbx-required", .usage)
    public static let usageSelfEndorsement = ErrorCode("usage.self-endorsement", .usage)
    public static let usageUnknownCommand = ErrorCode("usage.unknown-command", .usage)

    /// A version typed on the command line that does not read: the code a catalog's
    /// malformed version has, but the user's mistake (64), not a broken input file (65).
    public static let versionMalformedArgument = ErrorCode("version.malformed", .usage)
    // Mistakes in the command line itself, as ArgumentParser finds them (ArgumentErrors).
    public static let usageUnknownOption = ErrorCode("usage.unknown-option", .usage)
    public static let usageMissingValue = ErrorCode("usage.missing-value", .usage)
    public static let usageBadValue = ErrorCode("usage.bad-value", .usage)
    public static let usageMissingArgument = ErrorCode("usage.missing-argument", .usage)
    public static let usageUnexpectedValue = ErrorCode("usage.unexpected-value", .usage)
    public static let usageUnexpectedArgument = ErrorCode("usage.unexpected-argument", .usage)
    public static let usageMissingCommand = ErrorCode("usage.missing-command", .usage)
    public static let usageInvalid = ErrorCode("usage.invalid", .usage)
}
