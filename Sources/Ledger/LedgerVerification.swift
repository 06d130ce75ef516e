import CTICore
import GRDB
import SQLiteStore
import Licensing
import Signing

/// One problem `ledger verify` found.
public struct LedgerProblem: Sendable, Equatable, Encodable {
    public let code: String
    public let message: String

    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
}

extension LicenseLedger {
    /// Checks the database file (SQLite's own integrity check), the audit chain, every
    /// license, revocation and status against it, and, given a signed checkpoint, that the
    /// chain still holds the head it names. Returns every problem found, each naming the row.
    public func verify(checkpoint: VerifiedCheckpoint? = nil) throws -> [LedgerProblem] {
        try read { db in try LedgerVerification.run(db, checkpoint: checkpoint, head: LedgerHead.recorded(beside: path), ledger: path) }
    }
}

/// The state of one `ledger verify` run: what the audit chain says, and the problems so far.
struct LedgerVerification {
    private(set) var problems: [LedgerProblem] = []
    /// The newest audit row that decoded, and the number of rows the chain should have.
    private var lastAuditID: Int64 = 0
    private var issuedDigests: [String: String] = [:]
    private var issuedSerials: Set<String> = []
    /// Revocations and supersessions as the audit chain alone records them.
    private var audited = AuditedStates()

    static func run(_ db: Database, checkpoint: VerifiedCheckpoint?, head: LedgerHead? = nil, ledger: String = "") throws -> [LedgerProblem] {
        var verification = LedgerVerification()
        try verification.checkIntegrity(db)
        try verification.walkAudit(db)
        try verification.checkLicenses(db)
        try verification.checkRevocations(db)
        if let head, !(try head.isHeld(by: db)) {
            let error = head.behindError(ledger: ledger, current: try LedgerHead.current(db))
            verification.report(error.code, error.message)
        }
        if let checkpoint { try verification.check(checkpoint, db) }
        return verification.problems
    }

    private mutating func report(_ code: String, _ message: String) {
        problems.append(LedgerProblem(code, message))
    }

    /// SQLite's own check of pages, indexes and constraints.
    mutating func checkIntegrity(_ db: Database) throws {
        let lines = try String.fetchAll(db, sql: "PRAGMA integrity_check")
        for line in lines where line != "ok" {
            report("ledger.sqlite-integrity", "SQLite's integrity check: \(line)")
        }
    }

    mutating func walkAudit(_ db: Database) throws {
        var previous = AuditLog.genesis
        var expectedID: Int64 = 1
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM audit ORDER BY id")
        while let row = try cursor.next() {
            let record: AuditRecord
            do {
                record = try ledgerRows.decode(AuditRecord.self, row)
            } catch let error as CTIFailure {
                report(error.code, error.message)
                // Keep the chain going from what the row still says, so one bad row is one finding.
                if let id = StrictRows.value(row, "id").flatMap(Int64.fromDatabaseValue) { expectedID = id + 1 }
                if let hash = StrictRows.value(row, "hash").flatMap(String.fromDatabaseValue) { previous = hash }
                continue
            }
            let label = "audit row \(record.id) (\(record.event)\(record.serial.map { " \($0)" } ?? ""))"
            if record.id != expectedID {
                report("ledger.audit-row-missing", "audit rows \(expectedID)...\(record.id - 1) are missing: deleted")
            }
            if record.prevHash != previous {
                report("ledger.audit-chain-broken", "\(label) does not follow the row before it: a row was inserted, deleted or edited before it")
            }
            let recomputed = AuditLog.hash(id: record.id, at: record.at, event: record.event, serial: record.serial, details: record.details, previous: record.prevHash)
            if recomputed != record.hash {
                report("ledger.audit-row-edited", "\(label) was edited: its content no longer matches its hash")
            }
            previous = record.hash
            expectedID = record.id + 1
            lastAuditID = record.id
            guard let serial = record.serial else { continue }
            switch record.event {
            case AuditLog.Event.issued.rawValue:
                issuedSerials.insert(serial)
                if let digest = (try? JSONParser.parse(Array(record.details.utf8))).flatMap({ try? JSONObjectReader($0).optionalString("tokenSHA256") }) {
                    issuedDigests[serial] = digest
                }
            default:
                audited.add(record)
            }
        }
        if let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit'"), sequence >= expectedID {
            report("ledger.audit-row-missing", "audit rows \(expectedID)...\(sequence) are missing: the newest rows were deleted")
        }
    }

    mutating func checkLicenses(_ db: Database) throws {
        var seenSerials: Set<String> = []
        let revocationRows = try revocationRecords(db)
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM licenses ORDER BY id")
        while let row = try cursor.next() {
            let record: LicenseRecord
            do {
                record = try ledgerRows.decode(LicenseRecord.self, row)
            } catch let error as CTIFailure {
                report(error.code, error.message)
                if let serial = StrictRows.value(row, "serial").flatMap(String.fromDatabaseValue) { seenSerials.insert(serial) }
                continue
            }
            seenSerials.insert(record.serial)
            checkLicense(record, revoked: revocationRows[record.serial] != nil)
        }
        for serial in issuedSerials.sorted() where !seenSerials.contains(serial) {
            report("ledger.license-deleted", "license \(serial) was issued (audit log) but its row is gone: deleted")
        }
    }

    /// One license row against its audit entry and its own signed token.
    private mutating func checkLicense(_ record: LicenseRecord, revoked revocationRow: Bool) {
        let serial = record.serial
        guard let digest = issuedDigests[serial] else {
            if issuedSerials.contains(serial) {
                report("ledger.audit-row-edited", "license \(serial): its audit entry was edited and no longer names the token issued")
            } else {
                report("ledger.license-unaudited", "license \(serial) has no audit entry: it was inserted outside ctictl")
            }
            return
        }
        guard AuditLog.tokenDigest(record.token) == digest else {
            report("ledger.license-edited", "license \(serial): its signed token differs from the one audited at issue")
            return
        }
        guard let jws = try? CompactJWS(compact: record.token), let claims = try? LicenseFormat.claims(of: jws) else {
            report("ledger.license-edited", "license \(serial): its token does not decode")
            return
        }
        let differences = Self.columnsDiffering(record, from: claims, jws: jws)
        if !differences.isEmpty {
            report(
                "ledger.license-edited",
                "license \(serial): column\(differences.count == 1 ? "" : "s") \(differences.joined(separator: ", ")) no longer match\(differences.count == 1 ? "es" : "") the signed license")
        }
        let status = revocationRow ? .revoked : audited.audited(serial)
        if record.status != status {
            report(
                "ledger.status-edited",
                "license \(serial): column status says \(record.status.rawValue), the audit chain says \(status.rawValue); the column was edited (ctictl goes by the audit chain)")
        }
    }

    /// The columns of a license row that disagree with what was signed (or, for the request,
    /// with what it would sign).
    static func columnsDiffering(_ record: LicenseRecord, from claims: LicenseClaims, jws: CompactJWS) -> [String] {
        var differences: [String] = []
        if claims.jti != record.serial || record.serial != LicenseLedger.serial(forRowID: record.id) { differences.append("serial/id") }
        if claims.sub != record.customerID { differences.append("customer_id") }
        if claims.cti.customerName != record.customerName { differences.append("customer_name") }
        if claims.cti.product != record.product { differences.append("product") }
        if claims.cti.seats != record.seats { differences.append("seats") }
        if claims.exp != record.expiresAt { differences.append("expires_at") }
        if claims.iat != record.issuedAt { differences.append("issued_at") }
        if claims.cti.orderID != record.orderID { differences.append("order_id") }
        if jws.header.kid != record.kid { differences.append("kid") }
        if Array(record.claimsJSON.utf8) != jws.payload { differences.append("claims_json") }
        // The stored request must be the one that yields exactly the signed claims: it decides
        // whether a repeated order is the same order.
        let request = try? LedgerCoding.decode(LicenseRequest.self, from: record.requestJSON)
        if (try? request?.claims(serial: claims.jti, issuedAt: claims.iat)) != claims { differences.append("request_json") }
        return differences
    }

    private func revocationRecords(_ db: Database) throws -> [String: RevocationRecord] {
        var records: [String: RevocationRecord] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM revocations") {
            if let record = try? ledgerRows.decode(RevocationRecord.self, row) { records[record.serial] = record }
        }
        return records
    }

    mutating func checkRevocations(_ db: Database) throws {
        var rows: [String: RevocationRecord] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM revocations ORDER BY serial") {
            do {
                let record = try ledgerRows.decode(RevocationRecord.self, row)
                rows[record.serial] = record
            } catch let error as CTIFailure {
                report(error.code, error.message)
            }
        }
        let revoked = audited.revocations
        for serial in Set(rows.keys).subtracting(revoked.keys).sorted() {
            report("ledger.revocation-unaudited", "revocation of \(serial) has no audit entry: inserted outside ctictl")
        }
        for serial in Set(revoked.keys).subtracting(rows.keys).sorted() {
            report("ledger.revocation-deleted", "revocation of \(serial) is in the audit log but its row is gone (it still counts: ctictl goes by the audit chain)")
        }
        for (serial, row) in rows.sorted(by: { $0.key < $1.key }) {
            guard let event = revoked[serial] else { continue }
            if row.revokedAt != event.at || row.reason != event.reason {
                report("ledger.revocation-edited", "revocation of \(serial): its time or reason differs from the audit log's")
            }
        }
    }

    /// The ledger must still hold the chain head the checkpoint signed.
    mutating func check(_ checkpoint: VerifiedCheckpoint, _ db: Database) throws {
        let claims = checkpoint.claims
        let when = UTCTimestamp.format(claims.iat)
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM audit WHERE id = ?", arguments: [claims.auditRows]) else {
            let newest = try String.fetchOne(db, sql: "SELECT serial FROM licenses ORDER BY id DESC LIMIT 1")
            report(
                "ledger.checkpoint-rows-missing",
                "the checkpoint of \(when) names \(claims.auditRows) audit rows, this ledger ends at row \(lastAuditID): rows \(lastAuditID + 1)...\(claims.auditRows) are missing"
                    + Self.missingLicenses(newestHere: newest, newestThen: claims.lastSerial)
                    + " (deleted, or this is an older backup)")
            return
        }
        let record = try? ledgerRows.decode(AuditRecord.self, row)
        if record?.hash != claims.head {
            report(
                "ledger.checkpoint-mismatch",
                "audit row \(claims.auditRows) is not the row the checkpoint of \(when) signed: the chain was rewritten since")
        }
    }

    static func missingLicenses(newestHere: String?, newestThen: String?) -> String {
        guard let newestThen, newestThen != newestHere else { return "" }
        return "; licenses issued after \(newestHere ?? "the first") up to \(newestThen) are not in this ledger"
    }
}

