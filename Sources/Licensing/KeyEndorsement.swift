import CTICore
import Signing

/// A trusted key vouching for a new key: a JWS signed by the old key whose payload is the
/// new public key. Clients that trust only the old key accept licenses of the new one, so a
/// key can be rotated without shipping a new client.
public enum KeyEndorsementFormat {
    public static let type = "cti-key-endorsement+jwt"
    public static let armor = Armor(label: "CTI KEY ENDORSEMENT")

    /// Signs an endorsement of `endorsed` by the key `kid`.
    public static func sign(_ endorsed: JWK, by key: PrivateSigningKey, kid: String, issuer: String = LicenseRequest.defaultIssuer, now: Int64) throws -> String {
        var members = endorsed.members
        members["status"] = nil  // status is the client's business, not part of the vouching
        let payload = JSONValue.object(["iss": .string(issuer), "iat": .number(Double(now)), "jwk": .object(members)])
        let compact = try CompactJWS.sign(payload: CanonicalJSON.compact(payload), type: type, kid: kid, key: key)
        let comments = ["Comment: key \"\(kid)\" endorses key \"\(endorsed.kid)\" (\(UTCTimestamp.format(now))); not signed, informational only."]
        return armor.write(ArmoredText(compact: compact, comments: comments))
    }
}

/// Extends a keyring with the keys that trusted keys endorse. Endorsements may chain (A
/// endorses B, B endorses C); an endorsement by a revoked key, by an unknown key, or of a kid
/// that names another key is an error, never silently skipped.
public struct KeyEndorsementVerifier: Sendable {
    public let keyring: Keyring

    public init(keyring: Keyring) {
        self.keyring = keyring
    }

    public func extend(with endorsements: [(source: String, bytes: [UInt8])]) throws -> Keyring {
        var trusted = keyring
        var pending = try endorsements.map { endorsement -> (String, CompactJWS) in
            do {
                return (endorsement.source, try CompactJWS(compact: try KeyEndorsementFormat.armor.read(endorsement.bytes).compact))
            } catch let error as CTIFailure {
                throw error.naming(endorsement.source)
            }
        }
        // Each pass accepts what the keys known so far can verify; chains need several passes.
        while !pending.isEmpty {
            var progressed = false
            var next: [(String, CompactJWS)] = []
            for (source, jws) in pending {
                guard let endorserKID = jws.header.kid, trusted.key(withID: endorserKID) != nil else {
                    next.append((source, jws))
                    continue
                }
                try trusted.add(try accept(jws, source: source, in: trusted))
                progressed = true
            }
            if !progressed {
                let (source, jws) = next[0]
                throw CTIFailure(.endorsementUnknownKey, "\(source): endorsed by key \"\(jws.header.kid ?? "(none)")\", which is not trusted here (not in the keyring, nor endorsed by a key that is)")
            }
            pending = next
        }
        return trusted
    }

    private func accept(_ jws: CompactJWS, source: String, in trusted: Keyring) throws -> JWK {
        let verified: VerifiedJWS
        do {
            verified = try JWSVerifier(keyring: trusted).verify(jws, expectedType: KeyEndorsementFormat.type)
        } catch let error as CTIFailure {
            throw error.naming(source)
        }
        let endorser = verified.key
        var endorsed: JWK
        var issued: Int64?
        do {
            (endorsed, issued) = try JSONRead.document(verified.payload) { root in
                guard case let .object(members)? = root.members["jwk"] else {
                    throw CTIFailure(.endorsementMalformed, "\(source): the endorsement carries no key (member \"jwk\")")
                }
                var key = try JWK(members: members, context: "\(source): jwk")
                let issued = try root.optionalInteger("iat")
                if let issued, key.notBefore == nil { key.notBefore = issued }
                return (key, issued)
            }
        } catch let failure as JSONReadFailure {
            throw CTIFailure(.endorsementMalformed, "\(source): the endorsement \(failure)")
        }
        // A development endorser is fit to vouch, but only into development (below).
        if let problem = KeyFitness(allowDevelopmentKeys: true).problems(of: endorser, signedAt: issued).first {
            throw CTIFailure(ErrorCode.endorsement(problem), "\(source): endorsed by an unfit key: \(problem.text(kid: endorser.kid).en); it vouches for nothing")
        }
        if let existing = trusted.key(withID: endorsed.kid) {
            guard existing.key == endorsed.key else {
                throw CTIFailure(.endorsementKidConflict, "\(source): endorses kid \"\(endorsed.kid)\", but the keyring has another key under that kid")
            }
            return existing
        }
        // A development key cannot vouch a key into production.
        if endorser.environment == .development { endorsed.environment = .development }
        endorsed.status = .active
        return endorsed
    }
}
