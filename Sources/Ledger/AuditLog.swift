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
        case checkpointed = "ledger.checkpointed"
        case restored = "ledger.restored"
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

    static func hexDigest(_ bytes: [UInt8]) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }

    static func issueDetails(orderID: String?, token: String) -> String {
        var details: [String: JSONValue] = ["tokenSHA256": .string(tokenDigest(token))]
        details["orderID"] = orderID.map { .string($0) }
        return String(decoding: JSONWriter.compact(.object(details)), as: UTF8.self)
    }
}

