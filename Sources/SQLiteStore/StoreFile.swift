import CTICore
import Foundation
import GRDB

/// Opens a store the one way every store of ctictl is opened: a file that exists must be this
/// store (a directory, an empty file, another database is refused and never written to), a
/// new one is created and migrated under the lock beside it, and only then is the database
/// switched to WAL mode (the switch writes to the file). The identity is read through the
/// same read-write connection that will be used, so a killed run's write-ahead log is
/// recovered before the file is judged.
public enum StoreFile {
    public struct Options: Sendable {
        public var label: String
        /// The mode of a new file (the config history holds passwords: 0600); nil: SQLite's.
        public var newFileMode: mode_t?
        /// Whether an empty file a killed run left beside the lock is taken as a new store. The
        /// ledger refuses it: a truncated ledger looks the same, and its serials must never
        /// start again. (A database a killed run left before its first migration — no table
        /// but GRDB's own — holds nothing in either store, and is taken as new.)
        public var emptyLeftoverIsNew: Bool

        public init(label: String, newFileMode: mode_t? = nil, emptyLeftoverIsNew: Bool = false) {
            self.label = label
            self.newFileMode = newFileMode
            self.emptyLeftoverIsNew = emptyLeftoverIsNew
        }
    }

    /// The opened, migrated store, and whether this call created it.
    public static func open(_ path: String, kind: StoreKind, options: Options, migrator: DatabaseMigrator) throws -> (DatabaseQueue, created: Bool) {
        // A file no ctictl has opened yet (no lock beside it) is refused before anything is
        // created beside it; otherwise the check waits for the lock (another process may be
        // creating the store right now).
        let openedBefore = SafeFile.exists(path + ".lock")
        if SafeFile.exists(path) && !openedBefore {
            try checkFile(path, kind: kind, leftover: false)
            let probe = try connect(path, kind: kind, label: options.label)
            defer { try? probe.close() }
            try identify(probe, path: path, kind: kind, allowUnmigrated: false)
        }
        let directory = SafeFile.parentDirectory(of: path)
        if !SafeFile.exists(directory) { try SafeFile.makeDirectory(directory) }
        let lock = try StoreLock(path: path + ".lock", kind: kind)
        defer { lock.release() }
        // Decided under the lock: the first of two new processes creates, the second opens.
        let existed = SafeFile.exists(path)
        let leftover = openedBefore && options.emptyLeftoverIsNew
        if existed {
            try checkFile(path, kind: kind, leftover: leftover || openedBefore && hasLog(path))
        } else if let mode = options.newFileMode {
            let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
            if fd >= 0 { close(fd) }
        }
        let database = try connect(path, kind: kind, label: options.label)
        if existed { try identify(database, path: path, kind: kind, allowUnmigrated: openedBefore) }
        do {
            try database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
            try migrator.migrate(database)
        } catch let error as DatabaseError {
            throw CTIFailure(kind.unreadable, "\(path): cannot open the \(kind.name) (\(error.message ?? "SQLite error \(error.resultCode)"))")
        }
        return (database, !existed)
    }

    /// Several processes wait for each other instead of failing with SQLITE_BUSY. No journal
    /// mode is set here: switching to WAL writes, and a file is judged before it is written.
    private static func connect(_ path: String, kind: StoreKind, label: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        configuration.label = label
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw wrongFile(path, "is not an SQLite database", kind)
        } catch let error as DatabaseError {
            throw CTIFailure(kind.unreadable, "\(path): cannot open the \(kind.name) (\(error.message ?? "SQLite error \(error.resultCode)"))")
        }
    }

    /// A directory or an empty file is no store. An empty file a killed run left (`leftover`)
    /// may be a new store, or hold its committed pages in the log only.
    private static func checkFile(_ path: String, kind: StoreKind, leftover: Bool) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }  // vanished: the open reports it
        if (info.st_mode & S_IFMT) == S_IFDIR { throw wrongFile(path, "is a directory", kind) }
        if info.st_size == 0 && !leftover { throw wrongFile(path, "is an empty file", kind) }
    }

    private static func hasLog(_ path: String) -> Bool {
        var info = stat()
        return stat(path + "-wal", &info) == 0 && info.st_size > 0
    }

    /// The database must be this store (its first migration recorded), or — left by a killed
    /// run of ctictl (`allowUnmigrated`) — hold no table but GRDB's bookkeeping and no
    /// migration: nothing was ever stored in it.
    private static func identify(_ database: DatabaseQueue, path: String, kind: StoreKind, allowUnmigrated: Bool) throws {
        let (tables, identifiers): (Int, [String])
        do {
            (tables, identifiers) = try database.read { db in
                let tables = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT IN ('grdb_migrations', 'sqlite_sequence')") ?? 0
                guard try db.tableExists("grdb_migrations") else { return (tables, []) }
                return (tables, try DatabaseValue.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations").compactMap(String.fromDatabaseValue))
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw wrongFile(path, "is not an SQLite database", kind)
        } catch let error as DatabaseError {
            throw CTIFailure(kind.unreadable, "\(path): cannot read the \(kind.name) (\(error.message ?? "SQLite error \(error.resultCode)"))")
        }
        if identifiers.contains(kind.firstMigration) || (allowUnmigrated && tables == 0 && identifiers.isEmpty) { return }
        throw wrongFile(path, tables == 0 && identifiers.isEmpty ? "is an SQLite database with no tables" : "is another SQLite database", kind)
    }

    private static func wrongFile(_ path: String, _ what: String, _ kind: StoreKind) -> CTIFailure {
        CTIFailure(kind.notAStore, "\(path): \(what), not a ctictl \(kind.name); \(kind.wrongFileAdvice)")
    }
}

/// An exclusive advisory lock (flock) on a sidecar file, held while a store is opened and
/// migrated: two processes opening a new store at once would both run the migrations. (Not
/// the database file itself: closing any descriptor of it would drop SQLite's own locks.)
public struct StoreLock {
    private let fd: Int32

    public init(path: String, kind: StoreKind) throws {
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw CTIFailure(kind.lockFailed, "\(path): cannot create the \(kind.name)'s lock file (\(String(cString: strerror(errno))))")
        }
        while flock(fd, LOCK_EX) != 0 && errno == EINTR {}
    }

    public func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
