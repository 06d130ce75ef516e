import CTICore
import GRDB
import Licensing
import Signing

/// A signed statement of the audit chain's head: "on this day the ledger held N audit rows and
/// the newest hash was H". Kept away from the ledger (mailed to the accountant, filed), it
/// proves later that no row was deleted since — the newest rows included, which the chain
/// alone cannot show — the way transparency logs publish signed tree heads.
public struct LedgerCheckpointClaims: Sendable, Equatable, Encodable {
    public let iss: String
    public let iat: Int64
    /// The id of the newest audit row (ids start at 1 and have no gaps in an intact ledger).
    public let auditRows: Int64
    /// That row's hash.
    public let head: String
    /// How many licenses the ledger held, and the newest serial: what a restored backup lacks.
    public let licenses: Int64
    public let lastSerial: String?

    enum CodingKeys: String, CodingKey {
        case iss, iat, auditRows = "audit_rows", head, licenses, lastSerial = "last_serial"
    }

    init(reader root: JSONObjectReader) throws(JSONObjectReader.Failure) {
        iss = try root.string("iss")
        iat = try root.integer("iat")
        auditRows = try root.integer("audit_rows")
        head = try root.string("head")
        licenses = try root.integer("licenses")
        lastSerial = try root.optionalString("last_serial")
    }

    init(iss: String, iat: Int64, auditRows: Int64, head: String, licenses: Int64, lastSerial: String?) {
        self.iss = iss
        self.iat = iat
        self.auditRows = auditRows
        self.head = head
        self.licenses = licenses
        self.lastSerial = lastSerial
    }
}

public enum LedgerCheckpointFormat {
    public static let type = "cti-ledger-checkpoint+jwt"
    public static let armor = Armor(label: "CTI LEDGER CHECKPOINT")
}

/// A checkpoint whose signature was checked against a trusted key. Only the verifier makes one.
public struct VerifiedCheckpoint: Sendable {
    public let claims: LedgerCheckpointClaims
    public let kid: String
}

public struct LedgerCheckpointVerifier: Sendable {
    public let keyring: Keyring

    public init(keyring: Keyring) {
        self.keyring = keyring
    }

    /// Verifies the signature and the signer before reading a single claim.
    public func verify(_ bytes: [UInt8], source: String) throws -> VerifiedCheckpoint {
        let armored = try LedgerCheckpointFormat.armor.read(bytes)
        let verified = try JWSVerifier(keyring: keyring).verify(try CompactJWS(compact: armored.compact), expectedType: LedgerCheckpointFormat.type)
        if verified.key.status == .revoked {
            throw CTIFailure(.checkpointKeyRevoked, "\(source): the checkpoint is signed by revoked key \"\(verified.key.kid)\"; it is not trusted")
        }
        do {
            return VerifiedCheckpoint(claims: try JSONRead.document(verified.payload, LedgerCheckpointClaims.init(reader:)), kid: verified.key.kid)
        } catch let failure as JSONReadFailure {
            throw CTIFailure(.checkpointMalformed, "\(source): the checkpoint \(failure)")
        }
    }
}

extension LicenseLedger {
    /// Signs the chain's current head, then records that it did (so the next checkpoint
    /// covers this one). Refused while the ledger does not verify: a checkpoint vouches for
    /// the ledger as it is.
    public func checkpoint(key: PrivateSigningKey, kid: String, issuer: String = LicenseRequest.defaultIssuer, now: Int64) throws -> (text: String, claims: LedgerCheckpointClaims) {
        let problems = try verify()
        if let first = problems.first {
            throw CTIFailure(.checkpointLedgerNotIntact, "\(path): the ledger does not verify (\(problems.count) problem\(problems.count == 1 ? "" : "s"), first: \(first.message)); a checkpoint would vouch for it. Run `ctictl ledger verify` and restore it from a backup")
        }
        return try write { db in
            guard let head = try ledgerRows.fetchOne(AuditRecord.self, db, sql: "SELECT * FROM audit ORDER BY id DESC LIMIT 1") else {
                throw CTIFailure(.checkpointLedgerEmpty, "\(self.path): the ledger has recorded nothing yet; there is no head to sign")
            }
            let licenses = try Int64.fetchOne(db, sql: "SELECT count(*) FROM licenses") ?? 0
            let lastSerial = try String.fetchOne(db, sql: "SELECT serial FROM licenses ORDER BY id DESC LIMIT 1")
            let claims = LedgerCheckpointClaims(iss: issuer, iat: now, auditRows: head.id, head: head.hash, licenses: licenses, lastSerial: lastSerial)
            let compact = try CompactJWS.sign(payload: CanonicalJSON.compact(claims), type: LedgerCheckpointFormat.type, kid: kid, key: key)
            let comment = "Comment: ledger checkpoint of \(UTCTimestamp.format(now)): \(head.id) audit rows, \(licenses) license(s); not signed, informational only."
            try AuditLog.append(
                db, at: now, event: .checkpointed, serial: nil,
                details: String(decoding: CanonicalJSON.compact(["audit_rows": "\(head.id)", "head": head.hash, "kid": kid]), as: UTF8.self))
            return (LedgerCheckpointFormat.armor.write(ArmoredText(compact: compact, comments: [comment])), claims)
        }
    }
}
