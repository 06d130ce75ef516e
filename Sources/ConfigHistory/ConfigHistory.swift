import CTICore
import Crypto
import Foundation
import GRDB
import SQLiteStore

/// Every version of every config file ctictl writes, in SQLite (WAL mode): when, which
/// command, why, the file's path, the content's SHA-256 and the content. A file's versions
/// are numbered from 1; a rollback restores one (after checking it against its hash) and is
/// itself recorded as the next version, so nothing is ever lost.
public final class ConfigHistory: Sendable {
    /// One recorded version of a file.
    public struct Entry: Sendable, Equatable {
        /// The file's absolute path, links resolved: how the history names a file.
        public let path: String
        /// 1 for the first version of this file, then counting up.
        public let version: Int64
        /// Seconds since 1970, UTC.
        public let recordedAt: Int64
        public let command: String
        public let reason: String
        /// Lowercase hex SHA-256 of `content`, as recorded.
        public let sha256: String
        public let content: [UInt8]
        /// The client release the content was written for, when the writer said (migrate does).
        public let release: String?

        /// Whether the content still hashes to the recorded SHA-256 (false: edited outside ctictl).
        public var isIntact: Bool { ConfigHistory.sha256(content) == sha256 }
    }

    public let path: String
    let database: DatabaseQueue

    /// The largest file the history reads before rewriting it (a settings file is at most 4 MiB).
    public static let contentLimit: Int64 = 16 << 20

    /// Opens the history at `path`, creating it (and its directory) when it does not exist.
    /// A file that exists but is not a config history is refused, never turned into one.
    public init(path: String) throws {
        self.path = path
        // The history holds every file's content (password fields too): a new one is readable
        // by its owner only, and SQLite gives its -wal and -shm files the same mode. What a
        // killed run left beside the lock (an empty file, no tables) can hold nothing: a new history.
        (database, _) = try StoreFile.open(
            path, kind: .configHistory, options: .init(label: "ctictl.config-history", newFileMode: 0o600, emptyLeftoverIsNew: true),
            migrator: Self.migrator)
    }

    /// Schema migrations, in order; each runs once per database.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(StoreKind.configHistory.firstMigration) { db in
            try db.execute(sql: """
                CREATE TABLE config_versions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    path TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    recorded_at INTEGER NOT NULL,
                    command TEXT NOT NULL,
                    reason TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    content BLOB NOT NULL,
                    UNIQUE (path, version)
                );
                """)
        }
        migrator.registerMigration("v2-release") { db in
            try db.execute(sql: "ALTER TABLE config_versions ADD COLUMN release TEXT")
        }
        return migrator
    }

    // MARK: - Recording and reading

    /// Records `bytes` as the next version of the file at `path` (written by `command`, for `reason`).
    @discardableResult
    public func record(path: String, bytes: [UInt8], command: String, reason: String, now: Int64) throws -> Entry {
        let file = try Self.canonical(path)
        return try write { db in try Self.insert(db, path: file, bytes: bytes, command: command, reason: reason, now: now) }
    }

    /// Every recorded version of the file at `path`, oldest first (empty when there is none).
    public func history(path: String) throws -> [Entry] {
        let file = try Self.canonical(path)
        return try read { db in
            try historyRows.fetchAll(ConfigVersionRecord.self, db, sql: "SELECT * FROM config_versions WHERE path = ? ORDER BY version", arguments: [file]).map(Entry.init)
        }
    }

    /// Every file the history has versions of, sorted.
    public func paths() throws -> [String] {
        try read { db in
            // Stored values, converted one by one: a path edited into a number is left out, never a trap.
            try DatabaseValue.fetchAll(db, sql: "SELECT DISTINCT path FROM config_versions ORDER BY path").compactMap(String.fromDatabaseValue)
        }
    }

    // MARK: - Writing files

    /// Writes `bytes` to the file at `path` and records it, in one transaction: atomically,
    /// after a verified backup of the current content (`path.bak`, SafeFile). When the file's
    /// current content is not the newest recorded version (a first write, or an edit outside
    /// ctictl), that content is recorded first, so the history can always go back to it.
    @discardableResult
    public func write(_ bytes: [UInt8], to path: String, command: String, reason: String, release: String? = nil, now: Int64) throws -> Entry {
        let file = try Self.canonical(path)
        return try write { db in try self.write(bytes, to: file, command: command, reason: reason, release: release, now: now, in: db) }
    }

    /// The release the file at `path` was last written for, if `content` (what the file holds
    /// now, as the caller read it) is exactly a version ctictl recorded with one — the hash
    /// proves it is that content, untouched since: a migrated file needs no `--from` again.
    public func recordedRelease(ofFileAt path: String, content: [UInt8]) throws -> String? {
        let file = try Self.canonical(path)
        return try read { db in
            try historyRows.fetchOne(
                ConfigVersionRecord.self, db,
                sql: "SELECT * FROM config_versions WHERE path = ? AND sha256 = ? AND release IS NOT NULL ORDER BY version DESC LIMIT 1",
                arguments: [file, Self.sha256(content)])?.release
        }
    }

    /// Restores version `version` of the file at `path`: checks the stored content against its
    /// SHA-256 (a mismatch is `history.tampered`, nothing is written), writes it like `write`
    /// and records the restored content as a new version.
    @discardableResult
    public func rollback(path: String, to version: Int64, command: String = "config rollback", now: Int64) throws -> Entry {
        let file = try Self.canonical(path)
        return try write { db in
            guard let record = try historyRows.fetchOne(
                ConfigVersionRecord.self, db, sql: "SELECT * FROM config_versions WHERE path = ? AND version = ?", arguments: [file, version])
            else {
                let versions = try historyRows.fetchAll(ConfigVersionRecord.self, db, sql: "SELECT * FROM config_versions WHERE path = ? ORDER BY version", arguments: [file]).map(\.version)
                let known = versions.first.map { "its versions are \($0)–\(versions.last ?? $0)" } ?? "the history has no versions of this file"
                let knownGerman = versions.first.map { "ihre Versionen sind \($0)–\(versions.last ?? $0)" } ?? "die Historie hat keine Versionen dieser Datei"
                throw CTIFailure(
                    .historyVersionUnknown, "\(file): no version \(version) in the history \(self.path); \(known) (see `ctictl config history`)",
                    german: "\(file): keine Version \(version) in der Historie \(self.path); \(knownGerman) (siehe `ctictl config history`)")
            }
            let entry = Entry(record)
            guard entry.isIntact else {
                throw CTIFailure(
                    .historyTampered,
                    "\(file): version \(version) in the history \(self.path) does not match its recorded SHA-256 (recorded \(entry.sha256), content hashes to \(Self.sha256(entry.content))); it was changed outside ctictl and is not restored, nothing was written. Restore the history from a backup",
                    german: "\(file): Version \(version) in der Historie \(self.path) passt nicht zu ihrem aufgezeichneten SHA-256 (aufgezeichnet \(entry.sha256), der Inhalt ergibt \(Self.sha256(entry.content))); sie wurde außerhalb von ctictl geändert und wird nicht wiederhergestellt, nichts wurde geschrieben. Stellen Sie die Historie aus einer Sicherung wieder her")
            }
            return try self.write(
                entry.content, to: file, command: command,
                reason: "rollback to version \(version) (recorded \(UTCTimestamp.format(entry.recordedAt)) by \(entry.command))", release: entry.release,
                now: now, in: db)
        }
    }

    /// One file for `writeAll`: what `write` takes.
    public struct PendingWrite: Sendable {
        public let path: String
        public let bytes: [UInt8]
        public let command: String
        public let reason: String
        public let release: String?

        public init(path: String, bytes: [UInt8], command: String, reason: String, release: String? = nil) {
            self.path = path
            self.bytes = bytes
            self.command = command
            self.reason = reason
            self.release = release
        }
    }

    /// Writes and records many files as `write` does each, in one transaction and with one
    /// batched durable write (`SafeFile.replaceAll`: three file-system syncs in all, the same
    /// crash guarantee, docs/config.md). Every version is recorded first, the files are written
    /// second, the transaction is committed last; a file that fails (its error at its index)
    /// has its versions taken out again and is left as it was, the others are written. A path
    /// given twice in one batch is refused the second time. Throws only when the batch as a
    /// whole fails (the history, or a file-system sync); then nothing is recorded.
    public func writeAll(_ writes: [PendingWrite], now: Int64) throws -> [Result<Entry, any Error>] {
        try write { db in
            var results: [Result<Entry, any Error>] = writes.map { .failure(CTIFailure(.historyWriteFailed, "\($0.path): not written")) }
            var recorded: [(index: Int, path: String, firstVersion: Int64)] = []
            var replacements: [SafeFile.Replacement] = []
            var seen = Set<String>()
            for (index, pending) in writes.enumerated() {
                do {
                    let file = try Self.canonical(pending.path)
                    guard seen.insert(file).inserted else {
                        throw CTIFailure(.historyWriteFailed, "\(pending.path): given more than once; it is written once (its first entry)")
                    }
                    let (entry, firstVersion, current) = try record(
                        pending.bytes, to: file, command: pending.command, reason: pending.reason, release: pending.release, now: now, in: db)
                    // The backup is the content just recorded as found: each file is read once here.
                    replacements.append(SafeFile.Replacement(
                        path: file, bytes: pending.bytes, mode: (try? SafeFile.mode(of: file)) ?? 0o644, original: current))
                    recorded.append((index, file, firstVersion))
                    results[index] = .success(entry)
                } catch {
                    results[index] = .failure(error)
                }
            }
            for (file, failure) in zip(recorded, try SafeFile.replaceAll(replacements, backups: true)) {
                guard let failure else { continue }
                try db.execute(sql: "DELETE FROM config_versions WHERE path = ? AND version >= ?", arguments: [file.path, file.firstVersion])
                results[file.index] = .failure(failure)
            }
            return results
        }
    }

    private func write(_ bytes: [UInt8], to file: String, command: String, reason: String, release: String?, now: Int64, in db: Database) throws -> Entry {
        // Recorded first, written second, committed last: a write that fails rolls the record
        // back; only a failed commit after the write could leave an unrecorded file.
        let entry = try record(bytes, to: file, command: command, reason: reason, release: release, now: now, in: db).entry
        let mode = (try? SafeFile.mode(of: file)) ?? 0o644
        try SafeFile.write(bytes, to: file, mode: mode, backup: true)
        return entry
    }

    /// Records `bytes` as the next version of `file`, after its current content when that is
    /// not the newest version; returns the new entry, the first version this added and the
    /// current content (nil: no file yet).
    private func record(
        _ bytes: [UInt8], to file: String, command: String, reason: String, release: String?, now: Int64, in db: Database
    ) throws -> (entry: Entry, firstVersion: Int64, current: [UInt8]?) {
        var asFound: Entry?
        let current = try SafeFile.readIfPresent(file, limit: Self.contentLimit)
        if let current {
            let newest = try historyRows.fetchOne(ConfigVersionRecord.self, db, sql: "SELECT * FROM config_versions WHERE path = ? ORDER BY version DESC LIMIT 1", arguments: [file])
            if newest?.sha256 != Self.sha256(current) {
                asFound = try Self.insert(db, path: file, bytes: current, command: command, reason: "the file as found before this change (not written by ctictl)", now: now)
            }
        }
        let entry = try Self.insert(db, path: file, bytes: bytes, command: command, reason: reason, release: release, now: now)
        return (entry, asFound?.version ?? entry.version, current)
    }

    private static func insert(_ db: Database, path: String, bytes: [UInt8], command: String, reason: String, release: String? = nil, now: Int64) throws -> Entry {
        // Read as a stored value: a version edited into text must be an error, not a trap.
        let stored = try DatabaseValue.fetchOne(db, sql: "SELECT max(version) FROM config_versions WHERE path = ?", arguments: [path]) ?? .null
        guard let last = stored.isNull ? 0 : Int64.fromDatabaseValue(stored) else {
            throw CTIFailure(.historyRowUndecodable, "table config_versions: the newest version of \(path) is not a number; the history was edited outside ctictl. Restore it from a backup (docs/config.md)")
        }
        var record = ConfigVersionRecord(
            id: nil, path: path, version: last + 1, recordedAt: now, command: command, reason: reason, sha256: sha256(bytes), content: Data(bytes),
            release: release)
        try record.insert(db)
        record.id = db.lastInsertedRowID
        return Entry(record)
    }

    // MARK: - Helpers

    static func sha256(_ bytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }

    /// The name the history keys a file by: absolute, with links (of the file and of its
    /// directories) resolved, so `./user.config` and its full path are one file.
    static func canonical(_ path: String) throws -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let target = try SafeFile.resolvingLinks(absolute)
        let directory = SafeFile.parentDirectory(of: target)
        guard let resolved = realpath(directory, nil) else { return target }
        defer { free(resolved) }
        let real = String(cString: resolved)
        return (real == "/" ? "" : real) + "/" + SafeFile.fileName(of: target)
    }

    /// Reads and writes with the store's error rules (SQLiteStore.StoreAccess).
    private var access: StoreAccess { StoreAccess(database: database, path: path, kind: .configHistory) }

    private func write<T>(_ body: (Database) throws -> T) throws -> T { try access.write(body) }

    private func read<T>(_ body: (Database) throws -> T) throws -> T { try access.read(body) }
}

extension ConfigHistory.Entry {
    init(_ record: ConfigVersionRecord) {
        self.init(
            path: record.path, version: record.version, recordedAt: record.recordedAt, command: record.command, reason: record.reason,
            sha256: record.sha256, content: [UInt8](record.content), release: record.release)
    }
}
