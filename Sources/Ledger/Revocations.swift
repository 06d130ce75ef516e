import CTICore
import GRDB
import Licensing
import Signing

extension LicenseLedger {
    /// Revokes a license: recorded, audited, and included in every revocation list exported
    /// from now on. Revoking twice is refused, naming the first revocation.
    public func revoke(serial: String, reason: String, now: Int64) throws {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw CTIFailure(.usageReasonMissing, "--reason must say why the license is revoked") }
        try write { db in
            guard let entry = try Self.entry(serial: serial, in: db) else {
                throw CTIFailure(.ledgerSerialUnknown, "\(self.path): no license with serial \(serial); see `ctictl ledger list`")
            }
            if entry.status == .revoked {
                throw CTIFailure(.ledgerAlreadyRevoked, "\(serial) was already revoked\(entry.revokedAt.map { " at \(UTCTimestamp.format($0))" } ?? "")")
            }
            try db.execute(sql: "INSERT INTO revocations (serial, revoked_at, reason) VALUES (?, ?, ?)", arguments: [serial, now, trimmed])
            try db.execute(sql: "UPDATE licenses SET status = 'revoked' WHERE serial = ?", arguments: [serial])
            try AuditLog.append(db, at: now, event: .revoked, serial: serial, details: String(decoding: CanonicalJSON.compact(["reason": trimmed]), as: UTF8.self))
        }
    }

    /// Signs the list of all revocations with the next sequence number; the export is
    /// recorded and audited in the same transaction, so sequence numbers are never reused.
    public func exportRevocations(key: PrivateSigningKey, kid: String, issuer: String = LicenseRequest.defaultIssuer, now: Int64) throws -> (text: String, claims: RevocationListClaims) {
        try write { db in
            // From the audit chain (and any revocation row): a deleted row un-revokes nothing.
            let entries = try AuditedStates(db).revocations
                .map { RevocationEntry(jti: $0.key, revokedAt: $0.value.at, reason: $0.value.reason) }
                .sorted { ($0.revokedAt, $0.jti) < ($1.revokedAt, $1.jti) }
            try db.execute(sql: "INSERT INTO revocation_exports (exported_at, kid, count) VALUES (?, ?, ?)", arguments: [now, kid, entries.count])
            let claims = RevocationListClaims(iss: issuer, iat: now, seq: db.lastInsertedRowID, revoked: entries)
            let text = try RevocationListFormat.sign(claims, key: key, kid: kid)
            try AuditLog.append(
                db, at: now, event: .revocationsExported, serial: nil,
                details: String(decoding: CanonicalJSON.compact(["seq": "\(claims.seq)", "count": "\(entries.count)", "kid": kid]), as: UTF8.self))
            return (text, claims)
        }
    }
}
