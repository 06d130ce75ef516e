import CTICore

/// What a SQLite store of ctictl is (the ledger, the config history), for the rules every
/// such store follows: rows decoded strictly, a file that is not the store refused, one lock
/// while it is created. The names go into messages; the codes decide the exit status.
public struct StoreKind: Sendable {
    /// "ledger", "config history".
    public let name: String
    /// The first migration of the store: a file whose `grdb_migrations` lacks it is another database.
    public let firstMigration: String
    /// A row with a value of the wrong type (65).
    public let rowUndecodable: ErrorCode
    /// A file that exists but is not this store (65).
    public let notAStore: ErrorCode
    /// A file SQLite cannot read (65).
    public let unreadable: ErrorCode
    /// The lock beside the store cannot be made (70).
    public let lockFailed: ErrorCode
    /// SQLite finds the file damaged (65: the input's fault).
    public let damaged: ErrorCode
    /// Reading or writing failed for another reason (70: the tool's or the disk's).
    public let readFailed: ErrorCode
    public let writeFailed: ErrorCode
    /// What to do about a damaged row ("Restore it from a backup (docs/ledger.md) and run …").
    public let repairAdvice: String
    /// What to do about a file that is not the store ("Point --ledger at the real ledger, …").
    public let wrongFileAdvice: String

    public init(
        name: String, firstMigration: String, rowUndecodable: ErrorCode, notAStore: ErrorCode, unreadable: ErrorCode, lockFailed: ErrorCode,
        damaged: ErrorCode, readFailed: ErrorCode, writeFailed: ErrorCode, repairAdvice: String, wrongFileAdvice: String
    ) {
        self.name = name
        self.firstMigration = firstMigration
        self.rowUndecodable = rowUndecodable
        self.notAStore = notAStore
        self.unreadable = unreadable
        self.lockFailed = lockFailed
        self.damaged = damaged
        self.readFailed = readFailed
        self.writeFailed = writeFailed
        self.repairAdvice = repairAdvice
        self.wrongFileAdvice = wrongFileAdvice
    }
}

/// Where a store lives when no option names it: the environment variable, else
/// `$XDG_DATA_HOME/ctictl/FILE` (when absolute), else `~/.local/share/ctictl/FILE`.
public enum StoreLocation {
    public static func resolve(explicit: String?, variable: String, fileName: String, environment: [String: String]) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let path = environment[variable], !path.isEmpty { return path }
        if let data = environment["XDG_DATA_HOME"], data.hasPrefix("/") { return data + "/ctictl/" + fileName }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "."
        return home + "/.local/share/ctictl/" + fileName
    }
}
