import CTICore

/// The error codes this module throws (stable: scripts and support match on them; docs/cli.md).
extension ErrorCode {
    public static let checkpointKeyRevoked = ErrorCode("checkpoint.key-revoked", .invalid)
    public static let checkpointLedgerEmpty = ErrorCode("checkpoint.ledger-empty", .invalid)
    public static let checkpointLedgerNotIntact = ErrorCode("checkpoint.ledger-not-intact", .invalid)
    public static let checkpointMalformed = ErrorCode("checkpoint.malformed", .malformedInput)
    public static let ledgerAlreadyRevoked = ErrorCode("ledger.already-revoked", .invalid)
    public static let ledgerBackupFailed = ErrorCode("ledger.backup-failed", .internal)
    public static let ledgerBehindHead = ErrorCode("ledger.behind-head", .invalid)
    public static let ledgerCorrupt = ErrorCode("ledger.corrupt", .internal)
    public static let ledgerInternal = ErrorCode("ledger.internal", .internal)
    public static let ledgerLockFailed = ErrorCode("ledger.lock-failed", .internal)
    public static let ledgerNotALedger = ErrorCode("ledger.not-a-ledger", .malformedInput)
    public static let ledgerNotFound = ErrorCode("ledger.not-found", .malformedInput)
    public static let ledgerOrderConflict = ErrorCode("ledger.order-conflict", .invalid)
    public static let ledgerOrderRevoked = ErrorCode("ledger.order-revoked", .invalid)
    public static let ledgerOrderSuperseded = ErrorCode("ledger.order-superseded", .invalid)
    public static let ledgerReadFailed = ErrorCode("ledger.read-failed", .internal)
    /// SQLite found the file damaged: the input's fault, not the tool's.
    public static let ledgerDamaged = ErrorCode("ledger.damaged", .malformedInput)
    public static let ledgerRestoreFailed = ErrorCode("ledger.restore-failed", .internal)
    public static let ledgerRestoreRefused = ErrorCode("ledger.restore-refused", .invalid)
    public static let ledgerRevoked = ErrorCode("ledger.revoked", .invalid)
    public static let ledgerSerialUnknown = ErrorCode("ledger.serial-unknown", .invalid)
    public static let ledgerSuperseded = ErrorCode("ledger.superseded", .invalid)
    public static let ledgerRowUndecodable = ErrorCode("ledger.row-undecodable", .malformedInput)
    public static let ledgerUnusable = ErrorCode("ledger.unusable", .malformedInput)
    public static let ledgerWriteFailed = ErrorCode("ledger.write-failed", .internal)
    public static let usageNothingChanged = ErrorCode("usage.nothing-changed", .usage)
    public static let usageReasonMissing = ErrorCode("usage.reason-missing", .usage)
}
