import Crypto
import CTICore

/// Where a key may be used. A development key never passes a production verification.
public enum KeyEnvironment: String, Sendable, Codable, CaseIterable {
    case production
    case development
}

/// A key's life cycle: active keys sign; retired keys only verify what they signed while
/// active; revoked keys verify nothing.
public enum KeyStatus: String, Sendable, Codable, CaseIterable {
    case active
    case retired
    case revoked
}

/// A public JSON Web Key (RFC 7517) for signature verification, with ctictl's members
/// `status`, `env`, `nbf` and `exp`. Members it does not know are kept as they were.
public struct JWK: Sendable, Equatable {
    public let kid: String
    public let key: PublicVerificationKey
    public var status: KeyStatus
    public var environment: KeyEnvironment
    /// Validity window of the key (NumericDate seconds), optional.
    public var notBefore: Int64?
    public var expires: Int64?
    /// Members ctictl does not interpret, kept so rewriting a keyring never loses them.
    public var otherMembers: [String: JSONValue]

    public var algorithm: SigningAlgorithm { key.algorithm }

    public init(
        kid: String, key: PublicVerificationKey, status: KeyStatus = .active,
        environment: KeyEnvironment = .production, notBefore: Int64? = nil, expires: Int64? = nil
    ) {
        self.kid = kid
        self.key = key
        self.status = status
        self.environment = environment
        self.notBefore = notBefore
        self.expires = expires
        self.otherMembers = [:]
    }

    private static let knownMembers: Set<String> = ["kid", "kty", "crv", "x", "y", "alg", "use", "status", "env", "nbf", "exp", "d"]

    /// Reads a JWK object. `context` names the key in errors ("keys/prod.jwks: keys[2]").
    public init(members: [String: JSONValue], context: String) throws {
        var location = context
        func fail(_ detail: String) -> CTIFailure {
            CTIFailure(.keyringKeyInvalid, "\(location): \(detail)")
        }
        func string(_ name: String) throws -> String {
            guard let value = members[name] else { throw fail("member \"\(name)\" is missing") }
            guard let text = value.stringValue else { throw fail("member \"\(name)\" must be a string") }
            return text
        }
        func coordinate(_ name: String) throws -> [UInt8] {
            let text = try string(name)
            guard let bytes = Base64URL.decode(text) else { throw fail("member \"\(name)\" is not valid base64url") }
            guard bytes.count == 32 else { throw fail("member \"\(name)\" must decode to 32 bytes, found \(bytes.count)") }
            return bytes
        }
        func date(_ name: String) throws -> Int64? {
            guard let value = members[name] else { return nil }
            guard case let .number(number) = value, number.rounded() == number, abs(number) < 1e12 else {
                throw fail("member \"\(name)\" must be a NumericDate (seconds since 1970)")
            }
            return Int64(number)
        }
        if members["d"] != nil {
            throw fail("contains a private key (member \"d\"); a keyring holds public keys only — remove it and treat that key as exposed")
        }
        let kid = try string("kid")
        guard !kid.isEmpty else { throw fail("member \"kid\" is empty") }
        location = "\(context) (kid \"\(kid)\")"
        let kty = try string("kty")
        let crv = try string("crv")
        let key: PublicVerificationKey
        switch (kty, crv) {
        case ("OKP", "Ed25519"):
            let x = try coordinate("x")
            guard let parsed = try? Curve25519.Signing.PublicKey(rawRepresentation: x) else {
                throw fail("member \"x\" is not an Ed25519 public key")
            }
            key = .ed25519(parsed)
        case ("EC", "P-256"):
            let point: [UInt8] = [0x04] + (try coordinate("x")) + (try coordinate("y"))
            guard let parsed = try? P256.Signing.PublicKey(x963Representation: point) else {
                throw fail("members \"x\" and \"y\" are not a point on P-256")
            }
            key = .p256(parsed)
        default:
            throw fail("unsupported key type kty \"\(kty)\" crv \"\(crv)\" (supported: OKP/Ed25519, EC/P-256)")
        }
        if let alg = members["alg"] {
            guard let name = alg.stringValue, key.algorithm.acceptedHeaderNames.contains(name) else {
                throw fail("member \"alg\" is \(alg.stringValue.map { "\"\($0)\"" } ?? "not a string"), but the key is for \(key.algorithm.rawValue)")
            }
        }
        if let use = members["use"], use.stringValue != "sig" {
            throw fail("member \"use\" must be \"sig\"")
        }
        var status = KeyStatus.active
        if let value = members["status"] {
            guard let text = value.stringValue, let parsed = KeyStatus(rawValue: text) else {
                throw fail("member \"status\" must be one of active, retired, revoked")
            }
            status = parsed
        }
        var environment = KeyEnvironment.production
        if let value = members["env"] {
            guard let text = value.stringValue, let parsed = KeyEnvironment(rawValue: text) else {
                throw fail("member \"env\" must be production or development")
            }
            environment = parsed
        }
        self.kid = kid
        self.key = key
        self.status = status
        self.environment = environment
        self.notBefore = try date("nbf")
        self.expires = try date("exp")
        self.otherMembers = members.filter { !Self.knownMembers.contains($0.key) }
    }

    /// The JWK members, ready to encode.
    public var members: [String: JSONValue] {
        var result = otherMembers
        result["kid"] = .string(kid)
        result["alg"] = .string(algorithm.rawValue)
        result["use"] = .string("sig")
        result["status"] = .string(status.rawValue)
        result["env"] = .string(environment.rawValue)
        if let notBefore { result["nbf"] = .number(Double(notBefore)) }
        if let expires { result["exp"] = .number(Double(expires)) }
        for (name, value) in publicMembers { result[name] = .string(value) }
        return result
    }

    /// kty, crv and the coordinates: the members RFC 7638 hashes.
    private var publicMembers: [String: String] {
        switch key {
        case let .ed25519(key):
            return ["kty": "OKP", "crv": "Ed25519", "x": Base64URL.encode(key.rawRepresentation)]
        case let .p256(key):
            let raw = Array(key.rawRepresentation)
            return ["kty": "EC", "crv": "P-256", "x": Base64URL.encode(raw[0..<32]), "y": Base64URL.encode(raw[32..<64])]
        }
    }

    /// The RFC 7638 thumbprint (SHA-256, base64url): a name for the key that cannot lie.
    public var thumbprint: String {
        let members = publicMembers
        let canonical = "{" + members.keys.sorted().map { "\"\($0)\":\"\(members[$0]!)\"" }.joined(separator: ",") + "}"
        return Base64URL.encode(Array(SHA256.hash(data: Array(canonical.utf8))))
    }
}
