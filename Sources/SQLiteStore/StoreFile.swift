import CTICore
import Foundation
import GRDB

/// Tells a store of this kind from any other file before SQLite is let loose on it (opening a
/// database in WAL mode and migrating it writes to it).
public enum StoreIdentity {
    public static func check(_ path: String, kind: StoreKind) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }  // vanished: the open reports it
        if (info.st_mode & S_IFMT) == S_IFDIR { throw wrongFile(path, "is a directory", kind) }
        if info.st_size == 0 { throw wrongFile(path, "is an empty file", kind) }
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
            throw CTIFailure(kind.unreadable, "\(path): cannot read the \(kind.name) (\(error.message ?? "SQLite error \(error.resultCode)"))")
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
