import Crypto
import CryptoExtras
import CTICore

/// The JWS algorithms ctictl signs with. EdDSA (Ed25519, RFC 8037) is the default; ES256
/// (P-256, SHA-256) exists for verifiers whose runtime lacks Ed25519.
public enum SigningAlgorithm: String, Sendable, Codable, CaseIterable {
    case eddsa = "EdDSA"
    case es256 = "ES256"

    /// The header `alg` values a key of this algorithm verifies. RFC 9864 deprecates the
    /// polymorphic `EdDSA` for the fully-specified `Ed25519`; ctictl accepts both for an
    /// Ed25519 key (never for an EC key) and still writes `EdDSA`, which every verifier in
    /// the field knows (docs/license-format.md, "Algorithm names").
    public var acceptedHeaderNames: [String] {
        switch self {
        case .eddsa: return ["EdDSA", "Ed25519"]
        case .es256: return ["ES256"]
        }
    }

    /// The JWK members that describe a key of this algorithm.
    var keyType: (kty: String, crv: String) {
        switch self {
        case .eddsa: return ("OKP", "Ed25519")
        case .es256: return ("EC", "P-256")
        }
    }
}

/// A private signing key. Its description never shows key material.
public enum PrivateSigningKey: Sendable, CustomStringConvertible {
    case ed25519(Curve25519.Signing.PrivateKey)
    case p256(P256.Signing.PrivateKey)

    public static func generate(_ algorithm: SigningAlgorithm) -> PrivateSigningKey {
        switch algorithm {
        case .eddsa: return .ed25519(Curve25519.Signing.PrivateKey())
        case .es256: return .p256(P256.Signing.PrivateKey())
        }
    }

    public var algorithm: SigningAlgorithm {
        switch self {
        case .ed25519: return .eddsa
        case .p256: return .es256
        }
    }

    public var publicKey: PublicVerificationKey {
        switch self {
        case let .ed25519(key): return .ed25519(key.publicKey)
        case let .p256(key): return .p256(key.publicKey)
        }
    }

    /// Signs `message`; ES256 signatures are the JOSE form (r || s, 64 bytes), always with
    /// the low s (see `LowS`).
    public func signature(for message: [UInt8]) throws -> [UInt8] {
        switch self {
        case let .ed25519(key): return Array(try key.signature(for: message))
        case let .p256(key): return LowS.normalized(Array(try key.signature(for: message).rawRepresentation))
        }
    }

    /// PKCS#8 DER (unencrypted), as `openssl pkey` reads it.
    var pkcs8DER: [UInt8] {
        switch self {
        case let .ed25519(key): return Array(key.derRepresentation)
        case let .p256(key): return Array(key.derRepresentation)
        }
    }

    init(pkcs8DER der: [UInt8]) throws {
        if let key = try? Curve25519.Signing.PrivateKey(derRepresentation: der) {
            self = .ed25519(key)
        } else if let key = try? P256.Signing.PrivateKey(derRepresentation: der) {
            self = .p256(key)
        } else {
            throw CTIFailure(.keyUnsupported, "not an Ed25519 or P-256 private key in PKCS#8 form (ctictl signs with EdDSA or ES256)")
        }
    }

    public var description: String { "PrivateSigningKey(\(algorithm.rawValue), redacted)" }
}

/// A public key that verifies signatures.
public enum PublicVerificationKey: Sendable, Equatable {
    case ed25519(Curve25519.Signing.PublicKey)
    case p256(P256.Signing.PublicKey)

    public var algorithm: SigningAlgorithm {
        switch self {
        case .ed25519: return .eddsa
        case .p256: return .es256
        }
    }

    /// Verifies a JOSE signature (Ed25519: 64 bytes; ES256: r || s, 64 bytes, low s only).
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        switch self {
        case let .ed25519(key):
            return key.isValidSignature(signature, for: message)
        case let .p256(key):
            guard LowS.isLow(signature), let parsed = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(parsed, for: message)
        }
    }

    /// SubjectPublicKeyInfo PEM, as `openssl pkeyutl -pubin` reads it.
    public var pemRepresentation: String {
        switch self {
        case let .ed25519(key): return key.pemRepresentation
        case let .p256(key): return key.pemRepresentation
        }
    }

    public static func == (lhs: PublicVerificationKey, rhs: PublicVerificationKey) -> Bool {
        switch (lhs, rhs) {
        case let (.ed25519(a), .ed25519(b)): return a.rawRepresentation == b.rawRepresentation
        case let (.p256(a), .p256(b)): return a.rawRepresentation == b.rawRepresentation
        default: return false
        }
    }
}
