import CTICore
import GRDB
import Signing

/// What happens to signing keys, recorded in the ledger and its audit chain: which keys
/// existed, when they were retired or revoked, and which key vouched for which.
public enum KeyEvent: Sendable {
    case generated(JWK)
    case statusChanged(kid: String, to: KeyStatus)
    case endorsed(kid: String, by: String)
}

extension LicenseLedger {
    public func record(_ event: KeyEvent, now: Int64) throws {
        try write { db in
            switch event {
            case let .generated(key):
                try db.execute(
                    sql: "INSERT OR REPLACE INTO keys (kid, algorithm, thumbprint, environment, status, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [key.kid, key.algorithm.rawValue, key.thumbprint, key.environment.rawValue, key.status.rawValue, now])
                try AuditLog.append(db, at: now, event: .keyGenerated, serial: nil, details: Self.details([
                    "kid": key.kid, "alg": key.algorithm.rawValue, "thumbprint": key.thumbprint, "env": key.environment.rawValue,
                ]))
            case let .statusChanged(kid, status):
                try db.execute(sql: "UPDATE keys SET status = ? WHERE kid = ?", arguments: [status.rawValue, kid])
                try AuditLog.append(db, at: now, event: status == .revoked ? .keyRevoked : .keyRetired, serial: nil, details: Self.details(["kid": kid]))
            case let .endorsed(kid, endorser):
                try AuditLog.append(db, at: now, event: .keyEndorsed, serial: nil, details: Self.details(["kid": kid, "by": endorser]))
            }
        }
    }

    /// Key events, oldest first, as the audit log holds them.
    public func keyEvents() throws -> [(at: Int64, event: String, details: String)] {
        try read { db in
            try ledgerRows.fetchAll(AuditRecord.self, db, sql: "SELECT * FROM audit WHERE event LIKE 'key.%' ORDER BY id").map { ($0.at, $0.event, $0.details) }
        }
    }

    private static func details(_ members: [String: String]) -> String {
        String(decoding: JSONWriter.compact(.object(members.mapValues { .string($0) })), as: UTF8.self)
    }
}
