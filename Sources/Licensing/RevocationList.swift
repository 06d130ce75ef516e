import CTICore
import Signing

/// One revoked license.
public struct RevocationEntry: Sendable, Equatable, Encodable {
    public let jti: String
    public let revokedAt: Int64
    public let reason: String

    public init(jti: String, revokedAt: Int64, reason: String) {
        self.jti = jti
        self.revokedAt = revokedAt
        self.reason = reason
    }

    enum CodingKeys: String, CodingKey {
        case jti
        case revokedAt = "at"
        case reason
    }
}

/// The signed list of revoked serials. `seq` only ever grows: a verifier that has seen list
/// 7 refuses list 6, so an old list cannot be replayed to bring a revoked license back.
public struct RevocationListClaims: Sendable, Equatable, Encodable {
    public let iss: String
    public let iat: Int64
    public let seq: Int64
    public let revoked: [RevocationEntry]

    public init(iss: String, iat: Int64, seq: Int64, revoked: [RevocationEntry]) {
        self.iss = iss
        self.iat = iat
        self.seq = seq
        self.revoked = revoked
    }

    init(reader root: JSONObjectReader) throws(JSONObjectReader.Failure) {
        let entries = try root.objectArray("revoked").map { (entry) throws(JSONObjectReader.Failure) -> RevocationEntry in
            RevocationEntry(jti: try entry.string("jti"), revokedAt: try entry.integer("at"), reason: try entry.optionalString("reason") ?? "")
        }
        self.init(iss: try root.string("iss"), iat: try root.integer("iat"), seq: try root.integer("seq"), revoked: entries)
    }
}

public enum RevocationListFormat {
    public static let type = "cti-revocations+jwt"
    public static let armor = Armor(label: "CTI REVOCATION LIST")

    /// Signs a list; the armored text is what `revocations export` writes.
    public static func sign(_ claims: RevocationListClaims, key: PrivateSigningKey, kid: String) throws -> String {
        let compact = try CompactJWS.sign(payload: CanonicalJSON.compact(claims), type: type, kid: kid, key: key)
        let comments = ["Comment: revocation list \(claims.seq) of \(UTCTimestamp.format(claims.iat)), \(claims.revoked.count) serial(s); not signed, informational only."]
        return armor.write(ArmoredText(compact: compact, comments: comments))
    }
}

/// A revocation list whose signature and sequence were checked. Only the verifier makes one.
public struct VerifiedRevocationList: Sendable {
    public let claims: RevocationListClaims
    public let kid: String
    private let bySerial: [String: RevocationEntry]

    fileprivate init(claims: RevocationListClaims, kid: String) {
        self.claims = claims
        self.kid = kid
        self.bySerial = Dictionary(claims.revoked.map { ($0.jti, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func entry(for serial: String) -> RevocationEntry? { bySerial[serial] }
}

public struct RevocationListVerifier: Sendable {
    public let keyring: Keyring

    public init(keyring: Keyring) {
        self.keyring = keyring
    }

    /// Verifies signature, signer and sequence. `state` holds the highest sequence seen.
    public func verify(_ bytes: [UInt8], state: VerifierState?, allowDevelopmentKeys: Bool = false) throws -> VerifiedRevocationList {
        let armored = try RevocationListFormat.armor.read(bytes)
        let jws = try CompactJWS(compact: armored.compact)
        let verified = try JWSVerifier(keyring: keyring).verify(jws, expectedType: RevocationListFormat.type)
        let claims: RevocationListClaims
        do {
            claims = try JSONRead.document(verified.payload, RevocationListClaims.init(reader:))
        } catch let failure as JSONReadFailure {
            throw CTIFailure(.revocationsMalformed, "the revocation list \(failure)")
        }
        if let problem = KeyFitness(allowDevelopmentKeys: allowDevelopmentKeys).problems(of: verified.key, signedAt: claims.iat).first {
            throw CTIFailure(ErrorCode.revocations(problem), "the revocation list is not trusted: \(problem.text(kid: verified.key.kid).en)")
        }
        if let seen = state?.revocationSequence, claims.seq < seen {
            throw CTIFailure(.revocationsRollback, "this is revocation list \(claims.seq), but list \(seen) was already seen here; an older list is never accepted (it could bring revoked licenses back)")
        }
        return VerifiedRevocationList(claims: claims, kid: verified.key.kid)
    }
}
