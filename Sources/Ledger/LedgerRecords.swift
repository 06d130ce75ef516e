import CTICore
import Foundation
import GRDB
import SQLiteStore

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

/// The ledger as a store: its rows are decoded strictly, a file that is not a ledger is refused.
extension StoreKind {
    static let ledger = StoreKind(
        name: "ledger", firstMigration: "v1-licenses", rowUndecodable: .ledgerRowUndecodable, notAStore: .ledgerNotALedger,
        unreadable: .ledgerUnusable, lockFailed: .ledgerLockFailed, damaged: .ledgerDamaged, readFailed: .ledgerReadFailed,
        writeFailed: .ledgerWriteFailed,
        repairAdvice: "Restore it from a backup (docs/ledger.md) and run `ctictl ledger verify`",
        wrongFileAdvice: "ctictl never starts a new ledger in an existing file (serials would start again at CTI-00000001). Point --ledger at the real ledger, restore it from a backup, or remove the file if it really holds nothing")
}

let ledgerRows = StrictRows(kind: .ledger)

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
