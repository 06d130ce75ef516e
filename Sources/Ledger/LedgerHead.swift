import CTICore
import GRDB

/// How far the ledger is known to have got: its newest audit row and serial, kept in a small
/// file beside it (`DB.head`) after every write. A ledger found behind its head lost rows —
/// deleted, or an older backup copied over it — and writes nothing more until it is put right
/// (`ledger restore`), because the next license would get a serial a customer already holds.
/// The file guards against accidents, not attackers (they delete it with the rows): that is
/// what signed checkpoints are for.
struct LedgerHead: Equatable {
    var auditRows: Int64
    var hash: String
    /// The highest serial number ever allocated (`sqlite_sequence` of `licenses`).
    var serialNumber: Int64
    /// When the newest audit row was written.
    var at: Int64

    /// The head of the ledger as it is inside `db`'s transaction.
    static func current(_ db: Database) throws -> LedgerHead? {
        guard let newest = try ledgerRows.fetchOne(AuditRecord.self, db, sql: "SELECT * FROM audit ORDER BY id DESC LIMIT 1") else { return nil }
        return LedgerHead(auditRows: newest.id, hash: newest.hash, serialNumber: try serialSequence(db), at: newest.at)
    }

    static func serialSequence(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'licenses'") ?? 0
    }

    /// Whether `db` still holds this head (and has not gone back to a lower serial).
    func isHeld(by db: Database) throws -> Bool {
        let hash = try String.fetchOne(db, sql: "SELECT hash FROM audit WHERE id = ?", arguments: [auditRows])
        let sequence = try Self.serialSequence(db)
        return hash == self.hash && sequence >= serialNumber
    }

    // MARK: The file

    static func path(beside ledger: String) -> String { ledger + ".head" }

    /// The head recorded beside the ledger; nil when there is none or it cannot be read (a
    /// crash mid-write can leave it empty; it then guards nothing until the next write).
    static func recorded(beside ledger: String) -> LedgerHead? {
        guard let bytes = try? SafeFile.read(path(beside: ledger), limit: 4096),
            let reader = try? JSONObjectReader(try JSONParser.parse(bytes)),
            let rows = try? reader.integer("audit_rows"), let hash = try? reader.string("head"),
            let serial = try? reader.integer("serial_number"), let at = try? reader.integer("at")
        else { return nil }
        return LedgerHead(auditRows: rows, hash: hash, serialNumber: serial, at: at)
    }

    /// Not fsynced: losing the newest head in a crash only weakens the guard for a moment.
    func write(beside ledger: String) throws {
        struct File: Encodable {
            let schema = "ctictl.ledger-head/1"
            let audit_rows: Int64
            let head: String
            let serial_number: Int64
            let at: Int64
        }
        let file = File(audit_rows: auditRows, head: hash, serial_number: serialNumber, at: at)
        try SafeFile.write(CanonicalJSON.compact(file) + [UInt8(ascii: "\n")], to: Self.path(beside: ledger), mode: 0o644, durable: false)
    }

    func behindError(ledger: String, current: LedgerHead?) -> CTIFailure {
        CTIFailure(.ledgerBehindHead, "\(ledger): the ledger ends at audit row \(current?.auditRows ?? 0) (serial \(LicenseLedger.serial(forRowID: current?.serialNumber ?? 0))), but \(Self.path(beside: ledger)) shows it reached row \(auditRows) and serial \(LicenseLedger.serial(forRowID: serialNumber)) on \(UTCTimestamp.format(at)): rows were deleted or an older backup was copied over it. Nothing was written: the next license would get a serial a customer already holds. Run `ctictl ledger verify`, then `ctictl ledger restore` (docs/ledger.md)")
    }
}
