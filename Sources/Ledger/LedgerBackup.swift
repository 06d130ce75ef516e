import CTICore
import Foundation
import GRDB

/// What `ledger backup` wrote, read back from the copy itself.
public struct LedgerBackupSummary: Sendable, Encodable {
    public let path: String
    public let licenses: Int64
    public let auditRows: Int64
    public let head: String?
    /// What `ledger verify` finds in the copy (the ledger's own problems, copied with it).
    public let problems: [LedgerProblem]

    enum CodingKeys: String, CodingKey {
        case path, licenses, auditRows = "audit_rows", head, problems
    }
}

extension LicenseLedger {
    /// Copies the ledger with SQLite's online backup (consistent even while others issue)
    /// into a new file, checks the copy (SQLite's integrity check and the whole `ledger
    /// verify`), and only then gives it its name. An existing file is never replaced.
    public func backup(to destination: String) throws -> LedgerBackupSummary {
        if SafeFile.exists(destination) { throw FileError(path: destination, reason: .alreadyExists, isInput: false) }
        let directory = SafeFile.parentDirectory(of: destination)
        guard SafeFile.exists(directory) else { throw FileError(path: directory, reason: .notFound, isInput: false) }
        let temporary = directory + "/.ctictl-backup-\(getpid())-" + SafeFile.fileName(of: destination)
        defer {
            for suffix in ["", "-journal", "-wal", "-shm"] { unlink(temporary + suffix) }
        }
        let summary: LedgerBackupSummary
        do {
            let copy = try DatabaseQueue(path: temporary)
            try database.backup(to: copy)
            summary = try copy.read { db in
                LedgerBackupSummary(
                    path: destination,
                    licenses: try Int64.fetchOne(db, sql: "SELECT count(*) FROM licenses") ?? 0,
                    auditRows: try Int64.fetchOne(db, sql: "SELECT count(*) FROM audit") ?? 0,
                    head: try String.fetchOne(db, sql: "SELECT hash FROM audit ORDER BY id DESC LIMIT 1"),
                    problems: try LedgerVerification.run(db, checkpoint: nil))
            }
            try copy.close()
        } catch let error as DatabaseError {
            throw CTIFailure(.ledgerBackupFailed, "\(destination): the backup could not be written (\(error.message ?? "SQLite error \(error.resultCode)")); nothing was written")
        }
        if let broken = summary.problems.first(where: { $0.code == "ledger.sqlite-integrity" }) {
            throw CTIFailure(.ledgerBackupFailed, "\(destination): the copy fails SQLite's integrity check (\(broken.message)); nothing was written")
        }
        // link, not rename: a file that appeared at the destination meanwhile is kept.
        guard link(temporary, destination) == 0 else {
            throw FileError(path: destination, reason: errno == EEXIST ? .alreadyExists : .io(String(cString: strerror(errno))), isInput: false)
        }
        try SafeFile.syncFilesystem(containing: destination)
        return summary
    }
}
