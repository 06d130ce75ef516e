import CTICore
import Foundation
import GRDB

/// Tells a store of this kind from any other file before SQLite is let loose on it (opening a
/// database in WAL mode and migrating it writes to it).
public enum StoreIdentity {
    /// What the read-only look found.
    public enum Verdict: Sendable {
        /// The file is this store.
        case store
        /// A store ctictl had opened (its lock is beside it), left by a killed run in a state a
        /// read-only connection cannot read (a write-ahead log to recover): check it again with
        /// `recheck` on the read-write connection, before anything is migrated.
        case recheckAfterOpening
    }

    @discardableResult
    public static func check(_ path: String, kind: StoreKind, openedBefore: Bool = false) throws -> Verdict {
        var info = stat()
        guard stat(path, &info) == 0 else { return .store }  // vanished: the open reports it
        if (info.st_mode & S_IFMT) == S_IFDIR { throw wrongFile(path, "is a directory", kind) }
        var wal = stat()
        let hasLog = stat(path + "-wal", &wal) == 0 && wal.st_size > 0
        if info.st_size == 0 {
            // Committed pages may still be in the log only: then it is not empty.
            if openedBefore && hasLog { return .recheckAfterOpening }
            throw wrongFile(path, "is an empty file", kind)
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        let identifiers: [String]
        do {
            let probe = try DatabaseQueue(path: path, configuration: configuration)
            identifiers = try probe.read { db in
                guard try db.tableExists("grdb_migrations") else { return [] }
                return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            }
            try probe.close()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw wrongFile(path, "is not an SQLite database", kind)
        } catch let error as DatabaseError {
            if openedBefore { return .recheckAfterOpening }
            throw CTIFailure(kind.unreadable, "\(path): cannot read the \(kind.name) (\(error.message ?? "SQLite error \(error.resultCode)"))")
        }
        guard identifiers.contains(kind.firstMigration) else {
            throw wrongFile(path, "is an SQLite database but not a ctictl \(kind.name)", kind)
        }
        return .store
    }

    /// The check again, through the store's own read-write connection (which recovers a
    /// killed run's log): the file must be this store.
    public static func recheck(_ database: DatabaseQueue, path: String, kind: StoreKind) throws {
        let identifiers = try database.read { db -> [String] in
            guard try db.tableExists("grdb_migrations") else { return [] }
            return try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        guard identifiers.contains(kind.firstMigration) else {
            throw wrongFile(path, "is an SQLite database but not a ctictl \(kind.name)", kind)
        }
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
