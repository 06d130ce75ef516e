import CTICore
import Crypto
import CryptoExtras
import SwiftASN1

/// PKCS#8 EncryptedPrivateKeyInfo with PBES2 (RFC 8018): PBKDF2-HMAC-SHA256 and AES-256-CBC,
/// the scheme `openssl pkcs8 -topk8 -v2 aes-256-cbc` writes and every PKCS#8 reader knows.
enum EncryptedPrivateKeyInfo {
    static let iterations = 600_000  // OWASP 2023 figure for PBKDF2-HMAC-SHA256

    private static let pbes2: ASN1ObjectIdentifier = "1.2.840.113549.1.5.13"
    private static let pbkdf2: ASN1ObjectIdentifier = "1.2.840.113549.1.5.12"
    private static let hmacWithSHA256: ASN1ObjectIdentifier = "1.2.840.113549.2.9"
    private static let aes256CBC: ASN1ObjectIdentifier = "2.16.840.1.101.3.4.1.42"

    static func encrypt(pkcs8 der: [UInt8], passphrase: [UInt8]) throws -> [UInt8] {
        let salt = randomBytes(16)
        let iv = randomBytes(16)
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: passphrase, salt: salt, using: .sha256, outputByteCount: 32, rounds: iterations)
        let ciphertext = try AES._CBC.encrypt(der, using: key, iv: try AES._CBC.IV(ivBytes: iv))
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { info in
            try info.appendConstructedNode(identifier: .sequence) { algorithm in
                try algorithm.serialize(pbes2)
                try algorithm.appendConstructedNode(identifier: .sequence) { params in
                    try params.appendConstructedNode(identifier: .sequence) { kdf in
                        try kdf.serialize(pbkdf2)
                        try kdf.appendConstructedNode(identifier: .sequence) { kdfParams in
                            try kdfParams.serialize(ASN1OctetString(contentBytes: salt[...]))
                            try kdfParams.serialize(iterations)
                            try kdfParams.appendConstructedNode(identifier: .sequence) { prf in
                                try prf.serialize(hmacWithSHA256)
                                try prf.serialize(ASN1Null())
                            }
                        }
                    }
                    try params.appendConstructedNode(identifier: .sequence) { cipher in
                        try cipher.serialize(aes256CBC)
                        try cipher.serialize(ASN1OctetString(contentBytes: iv[...]))
                    }
                }
            }
            try info.serialize(ASN1OctetString(contentBytes: Array(ciphertext)[...]))
        }
        return serializer.serializedBytes
    }

    /// Decrypts; throws `key.passphrase-wrong` when the passphrase does not open the key.
    static func decrypt(_ der: [UInt8], passphrase: [UInt8]) throws -> [UInt8] {
        let parsed: (salt: [UInt8], iterations: Int, iv: [UInt8], ciphertext: [UInt8])
        do {
            parsed = try DER.sequence(try DER.parse(der), identifier: .sequence) { nodes in
                guard let algorithmNode = nodes.next() else { throw unsupported("structure") }
                let algorithm = try DER.sequence(algorithmNode, identifier: .sequence) { inner -> [ASN1Node] in
                    var all: [ASN1Node] = []
                    while let node = inner.next() { all.append(node) }
                    return all
                }
                let (salt, rounds, iv) = try parseAlgorithm(algorithm)
                let data = try ASN1OctetString(derEncoded: &nodes)
                return (salt, rounds, iv, Array(data.bytes))
            }
        } catch let error as CTIFailure {
            throw error
        } catch {
            throw CTIFailure(.keyEncryptedUnsupported, "encrypted private key is not PBES2/PBKDF2/AES-256-CBC PKCS#8 (\(error))")
        }
        guard parsed.iterations > 0, parsed.iterations <= 10_000_000 else {
            throw CTIFailure(.keyEncryptedUnsupported, "encrypted private key has an implausible iteration count \(parsed.iterations)")
        }
        let key = try KDF.Insecure.PBKDF2.deriveKey(
            from: passphrase, salt: parsed.salt, using: .sha256, outputByteCount: 32, unsafeUncheckedRounds: parsed.iterations)
        guard let plain = try? AES._CBC.decrypt(parsed.ciphertext, using: key, iv: try AES._CBC.IV(ivBytes: parsed.iv)) else {
            throw CTIFailure(.keyPassphraseWrong, "the passphrase does not decrypt this private key")
        }
        return Array(plain)
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// Parses the AlgorithmIdentifier (already split into its nodes) down to salt, rounds, IV.
    fileprivate static func parseAlgorithm(_ nodes: [ASN1Node]) throws -> ([UInt8], Int, [UInt8]) {
        guard nodes.count == 2 else { throw unsupported("algorithm identifier") }
        let oid = try ASN1ObjectIdentifier(derEncoded: nodes[0])
        guard oid == pbes2 else { throw unsupported("scheme \(oid) (expected PBES2)") }
        return try DER.sequence(nodes[1], identifier: .sequence) { params in
            guard let kdfNode = params.next(), let cipherNode = params.next() else { throw unsupported("PBES2 parameters") }
            let (salt, rounds) = try DER.sequence(kdfNode, identifier: .sequence) { kdf -> ([UInt8], Int) in
                let kdfOID = try ASN1ObjectIdentifier(derEncoded: &kdf)
                guard kdfOID == pbkdf2 else { throw unsupported("key derivation \(kdfOID) (expected PBKDF2)") }
                guard let paramsNode = kdf.next() else { throw unsupported("PBKDF2 parameters") }
                return try DER.sequence(paramsNode, identifier: .sequence) { p -> ([UInt8], Int) in
                    let salt = try ASN1OctetString(derEncoded: &p)
                    let rounds = try Int(derEncoded: &p)
                    var prf: ASN1ObjectIdentifier = "1.2.840.113549.2.7"  // hmacWithSHA1, the default
                    while let node = p.next() {
                        if node.identifier == .integer { continue }  // optional keyLength
                        prf = try DER.sequence(node, identifier: .sequence) { alg in
                            let id = try ASN1ObjectIdentifier(derEncoded: &alg)
                            _ = alg.next()  // NULL parameters
                            return id
                        }
                    }
                    guard prf == hmacWithSHA256 else { throw unsupported("PRF \(prf) (expected hmacWithSHA256)") }
                    return (Array(salt.bytes), rounds)
                }
            }
            let iv = try DER.sequence(cipherNode, identifier: .sequence) { cipher -> [UInt8] in
                let cipherOID = try ASN1ObjectIdentifier(derEncoded: &cipher)
                guard cipherOID == aes256CBC else { throw unsupported("cipher \(cipherOID) (expected AES-256-CBC)") }
                return Array(try ASN1OctetString(derEncoded: &cipher).bytes)
            }
            guard iv.count == 16 else { throw unsupported("IV length \(iv.count)") }
            return (salt, rounds, iv)
        }
    }

    fileprivate static func unsupported(_ what: String) -> CTIFailure {
        CTIFailure(.keyEncryptedUnsupported, "encrypted private key uses an unsupported \(what); re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc -v2prf hmacWithSHA256`")
    }
}

