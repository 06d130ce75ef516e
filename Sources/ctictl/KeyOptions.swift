import ArgumentParser
import CTICore
import Foundation
import Licensing
import Signing

/// Where a private key's passphrase comes from. Never from the command line itself, where
/// other users could read it in the process list.
struct PassphraseOptions: ParsableArguments {
    @Option(name: .long, help: "File whose first line is the private key's passphrase (else $CTICTL_PASSPHRASE).")
    var passphraseFile: String?

    static let environmentVariable = "CTICTL_PASSPHRASE"

    /// The passphrase given, or nil. `fromEnvironment` also reads $CTICTL_PASSPHRASE.
    func passphrase(fromEnvironment: Bool) throws -> [UInt8]? {
        if let passphraseFile {
            let text = String(decoding: try SafeFile.read(passphraseFile, limit: 4096), as: UTF8.self)
            let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
            guard !line.isEmpty else { throw CTIFailure(.usagePassphraseEmpty, "\(passphraseFile): the passphrase file is empty") }
            return Array(line.utf8)
        }
        if fromEnvironment, let value = EnvironmentVariables.value(Self.environmentVariable) {
            return Array(value.utf8)
        }
        return nil
    }

    /// Loads a private key for signing (refusing a key file others can read).
    func loadKey(_ path: String) throws -> PrivateSigningKey {
        try PrivateKeyFile.load(path, passphrase: try passphrase(fromEnvironment: true))
    }
}

struct KeyringOption: ParsableArguments {
    @Option(name: .long, help: "The keyring (JWK Set) of trusted public keys (else $CTICTL_KEYRING).")
    var keyring: String?

    func path(default fallback: String? = nil) throws -> String {
        if let keyring { return keyring }
        if let value = EnvironmentVariables.value("CTICTL_KEYRING") { return value }
        if let fallback { return fallback }
        throw CTIFailure(.usageKeyringMissing, "no keyring given: pass --keyring FILE or set CTICTL_KEYRING")
    }
}

/// The signing key of a command that signs: the private key file, and the keyring that
/// publishes its public half (a key nobody can verify must not sign).
struct SigningOptions: ParsableArguments {
    @Option(help: "Private key file (PKCS#8 PEM, mode 0600).") var key: String
    @Option(help: "Key id of --key (default: found by its public key in the keyring).") var kid: String?
    @Option(help: "Keyring holding the public key (default: the *.jwks beside --key that holds it).") var keyring: String?
    @OptionGroup var passphrase: PassphraseOptions

    func issuer() throws -> LicenseIssuer {
        let privateKey = try passphrase.loadKey(key)
        let keyringPath = try keyring ?? SigningKeyLookup.keyringBeside(key: key, publicKey: privateKey.publicKey)
        let ring = try Keyring.load(keyringPath)
        return LicenseIssuer(key: privateKey, kid: try SigningKeyLookup.kid(for: privateKey, explicit: kid, keyring: ring, keyringPath: keyringPath, keyPath: key))
    }
}

/// The kid of a private key: given, or found by matching its public key in the keyring.
enum SigningKeyLookup {
    /// The keyring beside a key file that publishes its public key.
    static func keyringBeside(key: String, publicKey: PublicVerificationKey) throws -> String {
        let directory = SafeFile.parentDirectory(of: key)
        guard let path = Keyring.keyrings(holding: publicKey, inDirectory: directory).first else {
            throw CTIFailure(.usageKeyNotInKeyring, "no keyring (*.jwks) in \(directory) holds the public key of \(key); pass the keyring that publishes it with --keyring")
        }
        return path
    }

    static func kid(for key: PrivateSigningKey, explicit: String?, keyring: Keyring, keyringPath: String, keyPath: String) throws -> String {
        let match = keyring.keys.first { $0.key == key.publicKey }
        if let explicit {
            guard let jwk = keyring.key(withID: explicit) else {
                throw CTIFailure(.usageKidUnknown, "kid \"\(explicit)\" is not in \(keyringPath); licenses it signs could not be verified")
            }
            guard jwk.key == key.publicKey else {
                throw CTIFailure(.usageKidMismatch, "\(keyPath) is not the private key of kid \"\(explicit)\" in \(keyringPath)")
            }
            return explicit
        }
        guard let match else {
            throw CTIFailure(.usageKeyNotInKeyring, "the public key of \(keyPath) is not in \(keyringPath); licenses it signs could not be verified. Pass the keyring that holds it with --keyring")
        }
        if match.status != .active {
            throw CTIFailure(.usageKeyNotActive, "key \"\(match.kid)\" is \(match.status.rawValue) in \(keyringPath); only active keys sign")
        }
        return match.kid
    }
}
