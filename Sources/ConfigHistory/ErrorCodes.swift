import CTICore

/// The error codes this module throws (stable: scripts and support match on them; docs/config.md).
extension ErrorCode {
    /// The file at the history's path is not a ctictl config history (empty, not SQLite, another database).
    public static let historyLockFailed = ErrorCode("history.lock-failed", .internal)
    public static let historyNotAHistory = ErrorCode("history.not-a-history", .malformedInput)
    /// SQLite could not open or read the history (or found it damaged).
    public static let historyUnusable = ErrorCode("history.unusable", .malformedInput)
    /// Writing the history failed (disk full, permissions): the tool's or the disk's fault.
    public static let historyWriteFailed = ErrorCode("history.write-failed", .internal)
    /// A row that does not decode (a value of the wrong type): the history was edited outside ctictl.
    public static let historyRowUndecodable = ErrorCode("history.row-undecodable", .malformedInput)
    /// A stored version whose content no longer matches its recorded SHA-256: never restored.
    public static let historyTampered = ErrorCode("history.tampered", .malformedInput)
    /// A version number the history does not have for that file (or a file it has no history for).
    public static let historyVersionUnknown = ErrorCode("history.version-unknown", .usage)
}
