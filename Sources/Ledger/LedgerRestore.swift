import CTICore
import Foundation
import GRDB
import SQLiteStore

/// What `ledger restore` did.
public struct LedgerRestoreSummary: Sendable, Encodable {
    public let ledger: String
    public let backup: String
    /// Where the ledger that was replaced now is (nothing is deleted).
    public let previousLedger: String?
    public let licenses: Int64
    /// Serials issued after the backup was taken, known from the head beside the ledger or a
    /// checkpoint: they exist at customers but not in the restored ledger, and are never
    /// handed out again.
    public let lostSerials: ClosedRange<Int64>?
    public let nextSerial: String

    enum CodingKeys: String, CodingKey {
        case ledger, backup, previousLedger = "previous_ledger", licenses, lostFirst = "lost_first", lostLast = "lost_last", nextSerial = "next_serial"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ledger, forKey: .ledger)
        try container.encode(backup, forKey: .backup)
        try container.encodeIfPresent(previousLedger, forKey: .previousLedger)
        try container.encode(licenses, forKey: .licenses)
        try container.encodeIfPresent(lostSerials.map { LicenseLedger.serial(forRowID: $0.lowerBound) }, forKey: .lostFirst)
        try container.encodeIfPresent(lostSerials.map { LicenseLedger.serial(forRowID: $0.upperBound) }, forKey: .lostLast)
        try container.encode(nextSerial, forKey: .nextSerial)
    }
}

extension LicenseLedger {
    /// Puts a backup in the ledger's place. The backup must verify; the ledger it replaces is
    /// moved aside, never deleted. Serials the lost rows had used (known from the head beside
    /// the ledger, or from `checkpoint`) are skipped, so no customer's serial is issued twice;
    /// the restore is recorded in the audit chain with what was lost.
    public static func restore(from backup: String, to path: String, checkpoint: VerifiedCheckpoint? = nil, now: Int64) throws -> LedgerRestoreSummary {
        let source = try LicenseLedger(path: backup, mode: .existing)
        let problems = try source.verify()
        if let first = problems.first {
            throw CTIFailure(.ledgerRestoreRefused, "\(backup): the backup does not verify (\(problems.count) problem\(problems.count == 1 ? "" : "s"), first: \(first.message)); nothing was changed. Restore another backup")
        }
        // The highest serial ever handed out, as far as anything still tells.
        let recorded = LedgerHead.recorded(beside: path)
        let highest = max(recorded?.serialNumber ?? 0, checkpoint?.claims.lastSerial.flatMap(serialNumber(of:)) ?? 0)
        let previous = try replace(path, with: source, now: now)
        let restored = try LicenseLedger(path: path, mode: .existing)
        return try restored.write(checkingHead: false) { db in
            let inBackup = try LedgerHead.serialSequence(db)
            let lost = highest > inBackup ? (inBackup + 1)...highest : nil
            if let lost {
                // sqlite_sequence has no key: update its row, or add it for a ledger without licenses.
                try db.execute(sql: "UPDATE sqlite_sequence SET seq = ? WHERE name = 'licenses'", arguments: [lost.upperBound])
                if db.changesCount == 0 {
                    try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('licenses', ?)", arguments: [lost.upperBound])
                }
            }
            var details: [String: String] = ["backup": SafeFile.fileName(of: backup)]
            if let lost {
                details["lost_first"] = serial(forRowID: lost.lowerBound)
                details["lost_last"] = serial(forRowID: lost.upperBound)
            }
            try AuditLog.append(db, at: now, event: .restored, serial: nil, details: String(decoding: CanonicalJSON.compact(details), as: UTF8.self))
            return LedgerRestoreSummary(
                ledger: path, backup: backup, previousLedger: previous,
                licenses: try Int64.fetchOne(db, sql: "SELECT count(*) FROM licenses") ?? 0,
                lostSerials: lost, nextSerial: serial(forRowID: max(inBackup, lost?.upperBound ?? 0) + 1))
        }
    }

    /// Under the ledger's lock: moves the old ledger aside and links a copy of `source` in
    /// its place (released before the restored ledger is opened, which takes the lock again).
    private static func replace(_ path: String, with source: LicenseLedger, now: Int64) throws -> String? {
        let lock = try StoreLock(path: path + ".lock", kind: .ledger)
        defer { lock.release() }
        let previous = SafeFile.exists(path) ? try moveAside(path, now: now) : nil
        let directory = SafeFile.parentDirectory(of: path)
        let temporary = directory + "/.ctictl-restore-\(getpid())-" + SafeFile.fileName(of: path)
        defer {
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) }
        }
        do {
            let copy = try DatabaseQueue(path: temporary)
            try source.database.backup(to: copy)
            try copy.close()
        } catch let error as DatabaseError {
            throw CTIFailure(.ledgerRestoreFailed, "\(path): the backup could not be copied (\(error.message ?? "SQLite error \(error.resultCode)")); the previous ledger is at \(previous ?? "-")")
        }
        guard link(temporary, path) == 0 else {
            throw FileError(path: path, reason: .io("cannot put the restored ledger in place (\(String(cString: strerror(errno))))"), isInput: false)
        }
        try SafeFile.syncFilesystem(containing: path)
        unlink(LedgerHead.path(beside: path))
        return previous
    }

    /// `CTI-00000042` → 42.
    static func serialNumber(of serial: String) -> Int64? {
        guard serial.hasPrefix("CTI-") else { return nil }
        return Int64(serial.dropFirst(4))
    }

    /// Moves the ledger and its WAL files to `PATH.replaced-<time>`; returns the new path.
    private static func moveAside(_ path: String, now: Int64) throws -> String {
        let stamp = UTCTimestamp.format(now).filter { $0.isNumber || $0 == "T" || $0 == "Z" }
        let target = path + ".replaced-" + stamp
        for suffix in ["", "-wal", "-shm"] where SafeFile.exists(path + suffix) {
            guard rename(path + suffix, target + suffix) == 0 else {
                throw FileError(path: path + suffix, reason: .io("cannot move the ledger aside (\(String(cString: strerror(errno))))"), isInput: false)
            }
        }
        return target
    }
}
