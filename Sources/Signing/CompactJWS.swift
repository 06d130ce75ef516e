import CTICore

/// The JOSE protected header as read from a JWS. Untrusted until the signature is verified.
public struct JOSEHeader: Sendable, Equatable, Codable {
    public let alg: String
    public let kid: String?
    public let typ: String?
    public let crit: [String]?

    public init(alg: String, kid: String?, typ: String?, crit: [String]? = nil) {
        self.alg = alg
        self.kid = kid
        self.typ = typ
        self.crit = crit
    }
}

/// A JWS in compact serialization (RFC 7515 §7.1), parsed but not verified.
public struct CompactJWS: Sendable {
    /// The exact text, `header.payload.signature`.
    public let compact: String
    public let header: JOSEHeader
    /// The ASCII bytes `header.payload`: what the signature covers.
    public let signingInput: [UInt8]
    public let payload: [UInt8]
    public let signature: [UInt8]

    public init(compact: String) throws {
        let bytes = Array(compact.utf8)
        let dots = bytes.indices.filter { bytes[$0] == UInt8(ascii: ".") }
        guard dots.count == 2 else {
            throw CTIFailure(.jwsMalformed, "a JWS has three parts separated by two dots; found \(dots.count + 1) parts")
        }
        let headerPart = bytes[..<dots[0]]
        let payloadPart = bytes[(dots[0] + 1)..<dots[1]]
        let signaturePart = bytes[(dots[1] + 1)...]
        guard let headerBytes = Base64URL.decode(headerPart), !headerBytes.isEmpty else {
            throw CTIFailure(.jwsMalformed, "the header (part 1) is not valid base64url")
        }
        guard let payload = Base64URL.decode(payloadPart), !payload.isEmpty else {
            throw CTIFailure(.jwsMalformed, "the payload (part 2) is not valid base64url")
        }
        guard let signature = Base64URL.decode(signaturePart), !signature.isEmpty else {
            throw CTIFailure(.jwsMalformed, "the signature (part 3) is not valid base64url")
        }
        let header: JOSEHeader
        do {
            header = try JSONRead.document(headerBytes, path: "header") { reader in
                JOSEHeader(
                    alg: try reader.string("alg"), kid: try reader.optionalString("kid"), typ: try reader.optionalString("typ"),
                    crit: try reader.optionalStringArray("crit"))
            }
        } catch let failure as JSONReadFailure {
            throw CTIFailure(.jwsHeaderMalformed, "the JWS header \(failure)")
        }
        self.compact = compact
        self.header = header
        self.signingInput = Array(bytes[..<dots[1]])
        self.payload = payload
        self.signature = signature
    }

    /// Signs `payload` and returns the compact serialization.
    public static func sign(payload: [UInt8], type: String, kid: String, key: PrivateSigningKey) throws -> String {
        try sign(payload: payload, encodedHeader: encodedHeader(type: type, kid: kid, algorithm: key.algorithm), key: key)
    }

    /// The base64url protected header; a signer that signs many payloads computes it once.
    public static func encodedHeader(type: String, kid: String, algorithm: SigningAlgorithm) -> String {
        let header: JSONValue = .object(["alg": .string(algorithm.rawValue), "kid": .string(kid), "typ": .string(type)])
        return Base64URL.encode(JSONWriter.compact(header))
    }

    /// Signs `payload` under an already encoded header (see `encodedHeader`).
    public static func sign(payload: [UInt8], encodedHeader: String, key: PrivateSigningKey) throws -> String {
        let signingInput = encodedHeader + "." + Base64URL.encode(payload)
        let signature = try key.signature(for: Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature)
    }
}

/// A JWS whose signature was checked against a trusted key. Only `JWSVerifier` makes one.
public struct VerifiedJWS: Sendable {
    public let jws: CompactJWS
    /// The trusted key that verified the signature.
    public let key: JWK
    public var payload: [UInt8] { jws.payload }
}

/// Checks a JWS against a keyring. The algorithm comes from the trusted key found by `kid`;
/// a header that names another algorithm is rejected, and so are `none`, unknown `crit`
/// extensions, unknown kids and the wrong `typ`.
public struct JWSVerifier: Sendable {
    public let keyring: Keyring

    public init(keyring: Keyring) {
        self.keyring = keyring
    }

    public func verify(_ jws: CompactJWS, expectedType: String) throws -> VerifiedJWS {
        let header = jws.header
        if header.alg.lowercased() == "none" {
            throw CTIFailure(.jwsAlgNone, "the header says alg \"none\" (unsigned); unsigned files are never accepted")
        }
        if let crit = header.crit {
            throw CTIFailure(.jwsCritUnsupported, "the header requires extensions ctictl does not implement: \(crit.joined(separator: ", "))")
        }
        guard let typ = header.typ, typ.lowercased() == expectedType.lowercased() else {
            throw CTIFailure(.jwsWrongType, "the header's typ is \(header.typ.map { "\"\($0)\"" } ?? "missing"), expected \"\(expectedType)\"; is this the right kind of file?")
        }
        guard let kid = header.kid else {
            throw CTIFailure(.jwsKidMissing, "the header names no key (kid); ctictl only accepts files that say which key signed them")
        }
        guard let key = keyring.key(withID: kid) else {
            let known = keyring.keys.map(\.kid).joined(separator: ", ")
            throw CTIFailure(.jwsUnknownKey, "signed by key \"\(kid)\", which is not in the keyring (known: \(known.isEmpty ? "none" : known)); pass the keyring that holds it")
        }
        guard key.algorithm.acceptedHeaderNames.contains(header.alg) else {
            throw CTIFailure(.jwsAlgMismatch, "the header says alg \"\(header.alg)\" but key \"\(kid)\" is an \(key.algorithm.rawValue) key; the file was altered or signed wrongly")
        }
        if key.algorithm == .es256 && !LowS.isLow(jws.signature) {
            throw CTIFailure(.jwsSignatureHighS, "the ES256 signature has a high s (the malleable twin of a valid one); ctictl accepts only low-s signatures: use the file as it was issued")
        }
        guard key.key.isValidSignature(jws.signature, for: jws.signingInput) else {
            throw CTIFailure(.jwsSignatureInvalid, "the signature does not match the content: the file was altered after signing, or signed by another key")
        }
        return VerifiedJWS(jws: jws, key: key)
    }
}
