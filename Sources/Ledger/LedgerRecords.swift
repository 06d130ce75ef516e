import CTICore
import Foundation
import GRDB

/// What became of a license. The `licenses.status` column is only a cache of this: the truth
/// is the audit chain (see `AuditedStates`), and a column edited by hand never un-revokes.
public enum LicenseStatus: String, Sendable, Codable, CaseIterable, DatabaseValueConvertible {
    case active
    case superseded
    case revoked

    /// How final a status is: a license that is revoked stays revoked, whatever else says.
    var finality: Int {
        switch self {
        case .active: return 0
        case .superseded: return 1
        case .revoked: return 2
        }
    }
}

/// A row of `licenses`, decoded through GRDB's record protocols (every column checked for its
/// type; a wrong one is an error naming the row and column, never a trap).
struct LicenseRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "licenses"

    var id: Int64
    var serial: String
    var orderID: String?
    var customerID: String
    var customerName: String?
    var product: String
    var seats: Int
    var kid: String
    var issuedAt: Int64
    var expiresAt: Int64?
    var status: LicenseStatus
    var requestJSON: String
    var claimsJSON: String
    var token: String

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, serial, orderID = "order_id", customerID = "customer_id", customerName = "customer_name", product, seats, kid
        case issuedAt = "issued_at", expiresAt = "expires_at", status, requestJSON = "request_json", claimsJSON = "claims_json", token
    }
}

/// A record whose INTEGER columns must hold integers (SQLite stores whatever it is given).
protocol IntegerColumns {
    static var integerColumns: [String] { get }
}

extension DatabaseValue.Storage {
    var isInteger: Bool {
        if case .int64 = self { return true }
        return false
    }
}

extension LicenseRecord: IntegerColumns {
    static let integerColumns = ["id", "seats", "issued_at", "expires_at"]
}

extension AuditRecord: IntegerColumns {
    static let integerColumns = ["id", "at"]
}

extension RevocationRecord: IntegerColumns {
    static let integerColumns = ["revoked_at"]
}

/// A row of `audit` (see `AuditLog`).
struct AuditRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "audit"

    var id: Int64
    var at: Int64
    var event: String
    var serial: String?
    var details: String
    var prevHash: String
    var hash: String

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, at, event, serial, details, prevHash = "prev_hash", hash
    }
}

/// A row of `revocations`.
struct RevocationRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "revocations"

    var serial: String
    var revokedAt: Int64
    var reason: String

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case serial, revokedAt = "revoked_at", reason
    }
}

/// Decodes rows read from the ledger. A row that does not decode (a value of the wrong type,
/// an unknown status) was written outside ctictl: the error names the table, the row and the
/// column and is "malformed input" (exit 65), because the file, not the tool, is wrong.
/// Nothing read from the ledger goes through `row[column]` with a Swift type: that traps.
enum LedgerRows {
    static func fetchAll<Record: FetchableRecord & TableRecord>(
        _ type: Record.Type, _ db: Database, sql: String, arguments: StatementArguments = StatementArguments()
    ) throws -> [Record] {
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        var records: [Record] = []
        while let row = try cursor.next() {
            records.append(try decode(type, row))
        }
        return records
    }

    static func fetchOne<Record: FetchableRecord & TableRecord>(
        _ type: Record.Type, _ db: Database, sql: String, arguments: StatementArguments = StatementArguments()
    ) throws -> Record? {
        guard let row = try Row.fetchOne(db, sql: sql, arguments: arguments) else { return nil }
        return try decode(type, row)
    }

    static func decode<Record: FetchableRecord & TableRecord>(_ type: Record.Type, _ row: Row) throws -> Record {
        // GRDB reads a REAL as an integer by truncating it (2.5 seats become 2): integer
        // columns must hold integers.
        if let typed = Record.self as? any IntegerColumns.Type {
            for column in typed.integerColumns {
                if let stored = value(row, column), !stored.isNull, !stored.storage.isInteger {
                    throw undecodable(table: Record.databaseTableName, row: row, column: column)
                }
            }
        }
        do {
            // A copy decodes each value by its stored type; a row still on its statement would
            // let SQLite convert (the text "abc" read as the integer 0).
            return try Record(row: row.copy())
        } catch let error as RowDecodingError {
            throw undecodable(table: Record.databaseTableName, row: row, column: columnName(in: error, row: row))
        }
    }


    /// The error for a row that did not decode, naming what the row is and which column.
    /// (`LicenseLedger.read`/`write` put the ledger's path in front.)
    static func undecodable(table: String, row: Row, column: String?) -> CTIFailure {
        var place = "table \(table)"
        if let id = value(row, "id") { place += ", row \(Int64.fromDatabaseValue(id).map(String.init) ?? describe(id))" }
        if let serial = value(row, "serial").flatMap(String.fromDatabaseValue) { place += " (\(serial))" }
        let what: String
        if let column, let stored = value(row, column) {
            what = "column \(column) holds \(describe(stored)), which is not a valid value there"
        } else {
            what = "the row does not decode"
        }
        return CTIFailure(
            .ledgerRowUndecodable,
            "\(place): \(what); the ledger was edited outside ctictl. Restore it from a backup (docs/ledger.md) and run `ctictl ledger verify`")
    }

    /// A column's stored value, or nil when the row has no such column (GRDB's subscript
    /// traps on a missing column, so it is never used without asking first).
    static func value(_ row: Row, _ column: String) -> DatabaseValue? {
        row.hasColumn(column) ? row[column] as DatabaseValue : nil
    }

    /// GRDB names the column in its error's text (its context is not public).
    private static func columnName(in error: RowDecodingError, row: Row) -> String? {
        let text = String(describing: error)
        for name in row.columnNames where text.contains("column: \"\(name)\"") || text.contains("column \"\(name)\"") {
            return name
        }
        return nil
    }

    /// A stored value in words, with its SQLite storage class, short.
    static func describe(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: return "NULL"
        case let .int64(number): return "the integer \(number)"
        case let .double(number): return "the real number \(number)"
        case let .string(text): return "the text \"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
        case let .blob(data): return "a blob of \(data.count) bytes"
        }
    }
}

extension LedgerEntry {
    /// The entry of a row, with the status that counts.
    init(_ record: LicenseRecord, states: AuditedStates) {
        let revocation = states.revocations[record.serial]
        self.init(
            serial: record.serial, orderID: record.orderID, customerID: record.customerID, customerName: record.customerName,
            product: record.product, seats: record.seats, kid: record.kid, issuedAt: record.issuedAt, expiresAt: record.expiresAt,
            status: states.effective(record.serial, column: record.status), supersededBy: states.supersededBy[record.serial],
            revokedAt: revocation?.at, revocationReason: revocation?.reason, token: record.token, requestJSON: record.requestJSON)
    }
}

/// Tells a ctictl ledger from any other file before SQLite is let loose on it (opening a
/// database in WAL mode and migrating it writes to it).
enum LedgerIdentity {
    static func check(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else { return }  // vanished: the open reports it
        if (info.st_mode & S_IFMT) == S_IFDIR {
            throw notALedger(path, "is a directory")
        }
        if info.st_size == 0 {
            throw notALedger(path, "is an empty file")
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
            throw notALedger(path, "is not an SQLite database")
        } catch let error as DatabaseError {
            throw CTIFailure(.ledgerUnusable, "\(path): cannot read the ledger (\(error.message ?? "SQLite error \(error.resultCode)"))")
        }
        guard identifiers.contains("v1-licenses") else {
            throw notALedger(path, "is an SQLite database but not a ctictl ledger (it has no ledger tables)")
        }
    }

    private static func notALedger(_ path: String, _ what: String) -> CTIFailure {
        CTIFailure(.ledgerNotALedger, "\(path): \(what), not a ctictl ledger; ctictl never starts a new ledger in an existing file (serials would start again at CTI-00000001). Point --ledger at the real ledger, restore it from a backup, or remove the file if it really holds nothing")
    }
}
