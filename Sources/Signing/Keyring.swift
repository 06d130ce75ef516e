import CTICore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A JWK Set (RFC 7517 §5) of trusted public keys. Loading is strict: a broken key is an
/// error naming the file, the key and the member, never a key silently skipped.
public struct Keyring: Sendable, Equatable {
    public private(set) var keys: [JWK]
    /// Top-level members other than "keys", kept on rewrite.
    private var otherMembers: [String: JSONValue]

    public init(keys: [JWK] = []) {
        self.keys = keys
        self.otherMembers = [:]
    }

    public func key(withID kid: String) -> JWK? {
        keys.first { $0.kid == kid }
    }

    /// Adds a key; refuses a kid that is already there (kids name keys for good). Adding the
    /// very same key again changes nothing.
    public mutating func add(_ key: JWK) throws {
        if let existing = self.key(withID: key.kid) {
            if existing == key { return }
            throw CTIFailure(.keyringDuplicateKid, "a key with kid \"\(key.kid)\" is already in the keyring; choose another --kid")
        }
        keys.append(key)
    }

    /// Sets a key's status (retire, revoke). Revoking is final: a revoked key is never
    /// made active or retired again.
    public mutating func setStatus(_ status: KeyStatus, forKID kid: String) throws {
        guard let index = keys.firstIndex(where: { $0.kid == kid }) else {
            throw CTIFailure(.keyringKidUnknown, "no key with kid \"\(kid)\" in the keyring")
        }
        if keys[index].status == .revoked && status != .revoked {
            throw CTIFailure(.keyringKeyRevoked, "key \"\(kid)\" is revoked; revocation is final (generate a new key)")
        }
        keys[index].status = status
    }

    /// Parses JWKS bytes; `source` names the input in errors.
    public init(jsonBytes: [UInt8], source: String) throws {
        let root: JSONValue
        do {
            root = try JSONRead.value(jsonBytes)
        } catch let failure as JSONReadFailure {
            throw CTIFailure(.keyringMalformed, "\(source): the keyring \(failure)")
        }
        guard case let .object(members) = root else {
            throw CTIFailure(.keyringMalformed, "\(source): expected a JSON object with a \"keys\" array (a JWK Set)")
        }
        guard case let .array(entries)? = members["keys"] else {
            throw CTIFailure(.keyringMalformed, "\(source): member \"keys\" is missing or not an array")
        }
        var keys: [JWK] = []
        for (index, entry) in entries.enumerated() {
            guard case let .object(keyMembers) = entry else {
                throw CTIFailure(.keyringKeyInvalid, "\(source): keys[\(index)] is not a JSON object")
            }
            let key = try JWK(members: keyMembers, context: "\(source): keys[\(index)]")
            if keys.contains(where: { $0.kid == key.kid }) {
                throw CTIFailure(.keyringKidDuplicated, "\(source): keys[\(index)]: kid \"\(key.kid)\" appears twice; kids must be unique")
            }
            keys.append(key)
        }
        self.keys = keys
        self.otherMembers = members.filter { $0.key != "keys" }
    }

    public static func load(_ path: String) throws -> Keyring {
        try Keyring(jsonBytes: try SafeFile.read(path), source: path)
    }

    /// Loads the keyring at `path`, or an empty one if there is no file yet.
    public static func loadOrEmpty(_ path: String) throws -> Keyring {
        SafeFile.exists(path) ? try load(path) : Keyring()
    }

    /// The keyrings (`*.jwks`) in `directory` that hold `publicKey`, sorted by name: how
    /// `license issue` finds the keyring beside a private key when none is named.
    public static func keyrings(holding publicKey: PublicVerificationKey, inDirectory directory: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(".jwks") }.sorted().map { directory + "/" + $0 }.filter { path in
            (try? load(path))?.keys.contains { $0.key == publicKey } == true
        }
    }

    /// Pretty, sorted JSON: stable under rewrite, so diffs of keyrings stay readable.
    public var jsonBytes: [UInt8] {
        var root = otherMembers
        root["keys"] = .array(keys.map { .object($0.members) })
        return CanonicalJSON.pretty(JSONValue.object(root))
    }

    /// Writes atomically, keeping a verified backup of the previous file.
    public func write(to path: String) throws {
        try SafeFile.write(jsonBytes, to: path, mode: 0o644, backup: true)
    }
}
