import CTICore
import GRDB

/// What became of licenses, as the audit chain and the revocations table record it. Every
/// decision (renew, reissue, repeat an order, export revocations, show a status) takes the
/// status from here, not from the `licenses.status` column: the most final of what the
/// column, the revocations table and the audit chain say wins, so deleting a revocation row or
/// editing the column never brings a revoked license back (`ledger verify` names the edit).
struct AuditedStates {
    struct Revocation: Equatable {
        let at: Int64
        let reason: String
    }

    private(set) var revocations: [String: Revocation] = [:]
    private(set) var supersededBy: [String: String] = [:]

    init() {}

    /// The states of `serials`, or of every license when nil.
    init(_ db: Database, serials: [String]? = nil) throws {
        let events = [AuditLog.Event.revoked.rawValue, AuditLog.Event.superseded.rawValue]
        for group in Self.groups(of: serials) {
            var sql = "SELECT * FROM audit WHERE event IN (?, ?)"
            var arguments = StatementArguments(events)
            if let group {
                sql += " AND serial IN (\(Self.placeholders(group.count)))"
                arguments += StatementArguments(group)
            }
            for record in try ledgerRows.fetchAll(AuditRecord.self, db, sql: sql + " ORDER BY id", arguments: arguments) {
                add(record)
            }
            var rowSQL = "SELECT * FROM revocations"
            var rowArguments = StatementArguments()
            if let group {
                rowSQL += " WHERE serial IN (\(Self.placeholders(group.count)))"
                rowArguments = StatementArguments(group)
            }
            for row in try ledgerRows.fetchAll(RevocationRecord.self, db, sql: rowSQL, arguments: rowArguments) {
                add(row)
            }
        }
    }

    /// Takes in an audit row (rows of other events change nothing).
    mutating func add(_ record: AuditRecord) {
        guard let serial = record.serial else { return }
        let details = try? JSONObjectReader(try JSONParser.parse(Array(record.details.utf8)))
        if record.event == AuditLog.Event.revoked.rawValue, revocations[serial] == nil {
            revocations[serial] = Revocation(at: record.at, reason: (try? details?.optionalString("reason")) ?? "")
        } else if record.event == AuditLog.Event.superseded.rawValue {
            supersededBy[serial] = (try? details?.optionalString("by")) ?? supersededBy[serial] ?? "?"
        }
    }

    /// A revocation row without its audit entry still counts: failing safe.
    mutating func add(_ row: RevocationRecord) {
        if revocations[row.serial] == nil { revocations[row.serial] = Revocation(at: row.revokedAt, reason: row.reason) }
    }

    /// What the audit chain and the revocations table say of `serial`.
    func audited(_ serial: String) -> LicenseStatus {
        if revocations[serial] != nil { return .revoked }
        if supersededBy[serial] != nil { return .superseded }
        return .active
    }

    /// The status that counts: the most final of the audited one and the column's.
    func effective(_ serial: String, column: LicenseStatus) -> LicenseStatus {
        let audited = audited(serial)
        return column.finality > audited.finality ? column : audited
    }

    /// SQLite takes at most 32,766 parameters; 500 to a query is plenty and keeps them short.
    private static func groups(of serials: [String]?) -> [[String]?] {
        guard let serials else { return [nil] }
        let unique = Array(Set(serials))
        return stride(from: 0, to: unique.count, by: 500).map { Array(unique[$0..<min($0 + 500, unique.count)]) }
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }
}
