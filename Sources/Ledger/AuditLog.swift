import CTICore
import Crypto
import GRDB

/// The ledger's audit log: every issue, revocation and export, each row chained to the one
/// before by SHA-256 over its id, time, event, serial, details and the previous hash. An
/// edited row no longer matches its hash; an inserted or deleted row breaks the chain.
enum AuditLog {
    enum Event: String {
        case issued = "license.issued"
        case revoked = "license.revoked"
        case revocationsExported = "revocations.exported"
        case superseded = "license.superseded"
        case keyGenerated = "key.generated"
        case keyRetired = "key.retired"
        case keyRevoked = "key.revoked"
        case keyEndorsed = "key.endorsed"
    }

    static let genesis = String(repeating: "0", count: 64)

    /// Appends many rows in one transaction, remembering the chain's head instead of reading
    /// it back before every row.
    struct Appender {
        private var previous: String
        private var nextID: Int64

        init(_ db: Database) throws {
            previous = try String.fetchOne(try db.cachedStatement(sql: "SELECT hash FROM audit ORDER BY id DESC LIMIT 1")) ?? genesis
            nextID = (try Int64.fetchOne(try db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit'")) ?? 0) + 1
        }

        mutating func append(_ db: Database, at time: Int64, event: Event, serial: String?, details: String) throws {
            let hash = AuditLog.hash(id: nextID, at: time, event: event.rawValue, serial: serial, details: details, previous: previous)
            try db.cachedStatement(sql: "INSERT INTO audit (id, at, event, serial, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [nextID, time, event.rawValue, serial, details, previous, hash])
            previous = hash
            nextID += 1
        }
    }

    static func append(_ db: Database, at time: Int64, event: Event, serial: String?, details: String) throws {
        let previous = try String.fetchOne(try db.cachedStatement(sql: "SELECT hash FROM audit ORDER BY id DESC LIMIT 1")) ?? genesis
        // The id is part of the hash, so it is taken before the insert (we hold the write lock).
        let id = (try Int64.fetchOne(try db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit'")) ?? 0) + 1
        let hash = self.hash(id: id, at: time, event: event.rawValue, serial: serial, details: details, previous: previous)
        try db.cachedStatement(sql: "INSERT INTO audit (id, at, event, serial, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [id, time, event.rawValue, serial, details, previous, hash])
    }

    static func hash(id: Int64, at: Int64, event: String, serial: String?, details: String, previous: String) -> String {
        let text = [previous, String(id), String(at), event, serial ?? "", details].joined(separator: "\n")
        return hexDigest(Array(text.utf8))
    }

    static func tokenDigest(_ token: String) -> String { hexDigest(Array(token.utf8)) }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func hexDigest(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    static func issueDetails(orderID: String?, token: String) -> String {
        var details: [String: JSONValue] = ["tokenSHA256": .string(tokenDigest(token))]
        details["orderID"] = orderID.map { .string($0) }
        return String(decoding: JSONWriter.compact(.object(details)), as: UTF8.self)
    }
}

/// One problem `ledger verify` found.
public struct LedgerProblem: Sendable, Equatable, Encodable {
    public let code: String
    public let message: String
}

extension LicenseLedger {
    /// Checks the audit chain and that every license and revocation row matches its audit
    /// entry. Returns every problem found, each naming the row.
    public func verify() throws -> [LedgerProblem] {
        try read { db in
            var problems: [LedgerProblem] = []
            var previous = AuditLog.genesis
            var expectedID: Int64 = 1
            var issuedDigests: [String: String] = [:]
            var issuedSerials: Set<String> = []
            var revokedSerials: Set<String> = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM audit ORDER BY id") {
                let id: Int64 = row["id"]
                let event: String = row["event"]
                let serial: String? = row["serial"]
                let details: String = row["details"]
                let label = "audit row \(id) (\(event)\(serial.map { " \($0)" } ?? ""))"
                if id != expectedID {
                    problems.append(LedgerProblem(code: "ledger.audit-row-missing", message: "audit rows \(expectedID)...\(id - 1) are missing: deleted"))
                }
                if row["prev_hash"] as String != previous {
                    problems.append(LedgerProblem(code: "ledger.audit-chain-broken", message: "\(label) does not follow the row before it: a row was inserted, deleted or edited before it"))
                }
                let recomputed = AuditLog.hash(id: id, at: row["at"], event: event, serial: serial, details: details, previous: row["prev_hash"])
                if recomputed != row["hash"] as String {
                    problems.append(LedgerProblem(code: "ledger.audit-row-edited", message: "\(label) was edited: its content no longer matches its hash"))
                }
                previous = row["hash"]
                expectedID = id + 1
                if let serial, event == AuditLog.Event.issued.rawValue { issuedSerials.insert(serial) }
                if let serial, event == AuditLog.Event.issued.rawValue,
                    let digest = (try? JSONParser.parse(Array(details.utf8))).flatMap({ try? JSONObjectReader($0).optionalString("tokenSHA256") })
                {
                    issuedDigests[serial] = digest
                }
                if let serial, event == AuditLog.Event.revoked.rawValue { revokedSerials.insert(serial) }
            }
            if let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'audit'"), sequence >= expectedID {
                problems.append(LedgerProblem(code: "ledger.audit-row-missing", message: "audit rows \(expectedID)...\(sequence) are missing: the newest rows were deleted"))
            }
            var seenSerials: Set<String> = []
            for row in try Row.fetchAll(db, sql: "SELECT * FROM licenses ORDER BY id") {
                let entry = try Self.entry(row)
                seenSerials.insert(entry.serial)
                guard let digest = issuedDigests[entry.serial] else {
                    if issuedSerials.contains(entry.serial) {
                        problems.append(LedgerProblem(code: "ledger.audit-row-edited", message: "license \(entry.serial): its audit entry was edited and no longer names the token issued"))
                        continue
                    }
                    problems.append(LedgerProblem(code: "ledger.license-unaudited", message: "license \(entry.serial) has no audit entry: it was inserted outside ctictl"))
                    continue
                }
                if AuditLog.tokenDigest(entry.token) != digest {
                    problems.append(LedgerProblem(code: "ledger.license-edited", message: "license \(entry.serial): its signed token differs from the one audited at issue"))
                    continue
                }
                if let claims = entry.license?.claims {
                    var differences: [String] = []
                    if claims.sub != entry.customerID { differences.append("customer_id") }
                    if claims.cti.product != entry.product { differences.append("product") }
                    if claims.cti.seats != entry.seats { differences.append("seats") }
                    if claims.exp != entry.expiresAt { differences.append("expires_at") }
                    if claims.iat != entry.issuedAt { differences.append("issued_at") }
                    if claims.cti.orderID != entry.orderID { differences.append("order_id") }
                    if !differences.isEmpty {
                        problems.append(LedgerProblem(
                            code: "ledger.license-edited",
                            message: "license \(entry.serial): column\(differences.count == 1 ? "" : "s") \(differences.joined(separator: ", ")) no longer match\(differences.count == 1 ? "es" : "") the signed license"))
                    }
                } else {
                    problems.append(LedgerProblem(code: "ledger.license-edited", message: "license \(entry.serial): its token does not decode"))
                }
            }
            for serial in issuedSerials.sorted() where !seenSerials.contains(serial) {
                problems.append(LedgerProblem(code: "ledger.license-deleted", message: "license \(serial) was issued (audit log) but its row is gone: deleted"))
            }
            let revocationRows = Set(try String.fetchAll(db, sql: "SELECT serial FROM revocations"))
            for serial in revocationRows.subtracting(revokedSerials).sorted() {
                problems.append(LedgerProblem(code: "ledger.revocation-unaudited", message: "revocation of \(serial) has no audit entry: inserted outside ctictl"))
            }
            for serial in revokedSerials.subtracting(revocationRows).sorted() {
                problems.append(LedgerProblem(code: "ledger.revocation-deleted", message: "revocation of \(serial) is in the audit log but its row is gone: a revoked license was un-revoked"))
            }
            return problems
        }
    }
}
