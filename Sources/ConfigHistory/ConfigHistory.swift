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
        return try write { db in
            try Self.insert(db, path: file, bytes: bytes, sha256: Self.sha256(bytes), version: try Self.newest(of: file, in: db).version + 1,
                            command: command, reason: reason, now: now)
        }
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

    /// `recordedRelease` as the config check and migration ask it: a history that cannot
    /// answer (unreadable, edited) answers nothing, and the release is then told otherwise.
    public func recordedReleaseIfKnown(ofFileAt path: String, content: [UInt8]) -> String? {
        (try? recordedRelease(ofFileAt: path, content: content)) ?? nil
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
        /// The file as the caller has just read it (`SafeFile.readIdentified`): recorded as
        /// found and backed up as it is, instead of being read again. Nil: the history reads it.
        public let original: SafeFile.IdentifiedContent?

        public init(path: String, bytes: [UInt8], command: String, reason: String, release: String? = nil, original: SafeFile.IdentifiedContent? = nil) {
            self.path = path
            self.bytes = bytes
            self.command = command
            self.reason = reason
            self.release = release
            self.original = original
        }
    }

    /// Writes and records many files as `write` does each, in one transaction and with one
    /// batched durable write (`SafeFile.replaceAll`: three file-system syncs in all, the same
    /// crash guarantee, docs/config.md). Every version is recorded first, the files are written
    /// second, the transaction is committed last; a file that fails (its error at its index)
    /// has its versions taken out again and is left as it was, the others are written. A path
    /// given twice in one batch is refused the second time. Throws only when the batch as a
    /// whole fails (the history, or a file-system sync); then nothing is recorded.
    public func writeAll(_ writes: [PendingWrite], now: Int64, runner: BatchRunner = .serial) throws -> [Result<Entry, any Error>] {
        try commit(Self.prepare(writes, runner: runner), now: now, runner: runner)
    }

    /// `writeAll`'s first half, which needs no history: every file read (unless the caller
    /// read it), hashed and staged (`SafeFile.StagedBatch`: new contents in temporary files,
    /// backups linked), nothing recorded or replaced. A batch can prepare its next chunk while
    /// it commits the last one. A prepared batch must be committed or discarded.
    public static func prepare(_ writes: [PendingWrite], runner: BatchRunner = .serial) -> PreparedBatch {
        let resolver = DirectoryResolver()
        var files = runner.map(writes) { pending -> Result<PreparedWrite, any Error> in
            Result { try PreparedWrite(pending.bytes, for: pending.path, original: pending.original, resolver: resolver) }
        }
        var seen = Set<String>()
        for (index, file) in files.enumerated() {
            guard case .success(let prepared) = file, !seen.insert(prepared.path).inserted else { continue }
            files[index] = .failure(CTIFailure(.historyWriteFailed, "\(writes[index].path): given more than once; it is written once (its first entry)"))
        }
        let stagedIndices = files.indices.filter { (try? files[$0].get()) != nil }
        let replacements = stagedIndices.compactMap { index in
            (try? files[index].get()).map { SafeFile.Replacement(path: $0.path, bytes: $0.bytes, mode: $0.current?.mode ?? 0o644, original: $0.current) }
        }
        return PreparedBatch(writes: writes, files: files, stagedIndices: stagedIndices, staged: SafeFile.StagedBatch(replacements, backups: true, runner: runner))
    }

    /// A batch of writes `prepare` has read and staged.
    public struct PreparedBatch: Sendable {
        let writes: [PendingWrite]
        /// Per write: the file, or why it is not written.
        let files: [Result<PreparedWrite, any Error>]
        /// The writes staged, in the staged batch's order.
        let stagedIndices: [Int]
        let staged: SafeFile.StagedBatch

        /// How many writes were prepared (`commit` answers for each, in order).
        public var count: Int { writes.count }

        /// Removes what staging wrote (temporary files); nothing is recorded or replaced.
        public func discard() { staged.discard() }
    }

    /// `writeAll`'s second half: in one transaction every staged file's versions are recorded,
    /// the files replaced (the staged batch finished: two syncs) and the transaction committed;
    /// a file that fails has its versions taken out again. Throws only when the batch as a
    /// whole fails (the history, a sync); then nothing is recorded and what was staged is removed.
    public func commit(_ batch: PreparedBatch, now: Int64, runner: BatchRunner = .serial) throws -> [Result<Entry, any Error>] {
        do {
            return try write { db in
                var results: [Result<Entry, any Error>] = batch.files.map { file in file.flatMap { .failure(CTIFailure(.historyWriteFailed, "\($0.path): not written")) } }
                var recorded: [(index: Int, firstVersion: Int64)?] = Array(repeating: nil, count: batch.stagedIndices.count)
                var leftOut = Set<Int>()
                for (position, index) in batch.stagedIndices.enumerated() {
                    if let failure = batch.staged.failures[position] {
                        results[index] = .failure(failure)
                        continue
                    }
                    do {
                        let file = try batch.files[index].get(), pending = batch.writes[index]
                        let (entry, firstVersion) = try record(file, command: pending.command, reason: pending.reason, release: pending.release, now: now, in: db)
                        recorded[position] = (index, firstVersion)
                        results[index] = .success(entry)
                    } catch {
                        results[index] = .failure(error)
                        leftOut.insert(position)
                    }
                }
                for (position, failure) in try batch.staged.leavingOut(leftOut).finish(runner: runner).enumerated() {
                    guard let failure, let (index, firstVersion) = recorded[position], let file = try? batch.files[index].get() else { continue }
                    try db.execute(sql: "DELETE FROM config_versions WHERE path = ? AND version >= ?", arguments: [file.path, firstVersion])
                    results[index] = .failure(failure)
                }
                return results
            }
        } catch {
            batch.discard()
            throw error
        }
    }

    private func write(_ bytes: [UInt8], to file: String, command: String, reason: String, release: String?, now: Int64, in db: Database) throws -> Entry {
        // Recorded first, written second, committed last: a write that fails rolls the record
        // back; only a failed commit after the write could leave an unrecorded file.
        let prepared = try PreparedWrite(bytes, for: file)
        let entry = try record(prepared, command: command, reason: reason, release: release, now: now, in: db).entry
        try SafeFile.write(bytes, to: file, mode: prepared.current?.mode ?? 0o644, backup: true)
        return entry
    }

    /// A file about to be written, read before anything is recorded: the name the history
    /// keys it by, its content as found (nil: no file yet) and both contents' hashes.
    struct PreparedWrite: Sendable {
        let path: String
        let bytes: [UInt8]
        let sha256: String
        let current: SafeFile.IdentifiedContent?
        let currentSHA256: String?

        init(_ bytes: [UInt8], for path: String, original: SafeFile.IdentifiedContent? = nil, resolver: DirectoryResolver = DirectoryResolver()) throws {
            self.path = try ConfigHistory.canonical(path, resolver: resolver)
            self.bytes = bytes
            sha256 = ConfigHistory.sha256(bytes)
            current = try original ?? SafeFile.readIdentifiedIfPresent(self.path, limit: ConfigHistory.contentLimit)
            currentSHA256 = current.map { ConfigHistory.sha256($0.bytes) }
        }
    }

    /// Records the file's new content as its next version, after its current content when that
    /// is not the newest version; returns the new entry and the first version this added.
    private func record(
        _ file: PreparedWrite, command: String, reason: String, release: String?, now: Int64, in db: Database
    ) throws -> (entry: Entry, firstVersion: Int64) {
        let newest = try Self.newest(of: file.path, in: db)
        var version = newest.version + 1
        let firstVersion = version
        if let current = file.current, let currentSHA256 = file.currentSHA256, newest.sha256 != currentSHA256 {
            _ = try Self.insert(
                db, path: file.path, bytes: current.bytes, sha256: currentSHA256, version: version, command: command,
                reason: "the file as found before this change (not written by ctictl)", now: now)
            version += 1
        }
        let entry = try Self.insert(
            db, path: file.path, bytes: file.bytes, sha256: file.sha256, version: version, command: command, reason: reason, release: release, now: now)
        return (entry, firstVersion)
    }

    /// The newest version of `path` and its hash (0 and nil when it has none). The values are
    /// read as stored: a version edited into text is an error, not a trap.
    private static func newest(of path: String, in db: Database) throws -> (version: Int64, sha256: String?) {
        let statement = try db.cachedStatement(sql: "SELECT version, sha256 FROM config_versions WHERE path = ? ORDER BY version DESC LIMIT 1")
        guard let row = try Row.fetchOne(statement, arguments: [path]) else { return (0, nil) }
        // The stored values, converted one by one (no subscript: a wrong type is an error here).
        let stored = Array(row.databaseValues)
        guard stored.count == 2, let version = Int64.fromDatabaseValue(stored[0]), let hash = String.fromDatabaseValue(stored[1]) else {
            throw CTIFailure(.historyRowUndecodable, "table config_versions: the newest version of \(path) has a version or sha256 of the wrong type; the history was edited outside ctictl. Restore it from a backup (docs/config.md)")
        }
        return (version, hash)
    }

    private static func insert(
        _ db: Database, path: String, bytes: [UInt8], sha256: String, version: Int64, command: String, reason: String, release: String? = nil, now: Int64
    ) throws -> Entry {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO config_versions (path, version, recorded_at, command, reason, sha256, content, release) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [path, version, now, command, reason, sha256, Data(bytes), release])
        return Entry(path: path, version: version, recordedAt: now, command: command, reason: reason, sha256: sha256, content: bytes, release: release)
    }

    // MARK: - Helpers

    static func sha256(_ bytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }

    /// The name the history keys a file by: absolute, with links (of the file and of its
    /// directories) resolved, so `./user.config` and its full path are one file. A batch
    /// passes one resolver for all its files (they share their upper directories).
    static func canonical(_ path: String, resolver: DirectoryResolver = DirectoryResolver()) throws -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let target = try SafeFile.resolvingLinks(absolute)
        guard let directory = resolver.resolve(SafeFile.parentDirectory(of: target)) else { return target }
        return (directory == "/" ? "" : directory) + "/" + SafeFile.fileName(of: target)
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
