import CTICore

/// Private key files: PKCS#8 PEM (`PRIVATE KEY`, or `ENCRYPTED PRIVATE KEY` with a
/// passphrase), written with mode 0600 and refused when group or others can read them, as
/// ssh refuses such keys.
public enum PrivateKeyFile {
    /// PEM text of the key; encrypted with PBES2 when a passphrase is given.
    public static func pemText(of key: PrivateSigningKey, passphrase: [UInt8]? = nil) throws -> String {
        if let passphrase {
            let encrypted = try EncryptedPrivateKeyInfo.encrypt(pkcs8: key.pkcs8DER, passphrase: passphrase)
            return PEM.text(label: "ENCRYPTED PRIVATE KEY", der: encrypted)
        }
        return PEM.text(label: "PRIVATE KEY", der: key.pkcs8DER)
    }

    /// Writes a new key file (mode 0600); never replaces an existing file.
    public static func write(_ key: PrivateSigningKey, to path: String, passphrase: [UInt8]? = nil) throws {
        let text = try pemText(of: key, passphrase: passphrase)
        try SafeFile.write(Array(text.utf8), to: path, mode: 0o600, exclusive: true)
    }

    /// Whether the key file at `path` is encrypted (so the caller knows to ask for a passphrase).
    public static func isEncrypted(at path: String) throws -> Bool {
        let text = String(decoding: try SafeFile.read(path, limit: 64 * 1024), as: UTF8.self)
        return PEM.firstDocument(in: text)?.discriminator == "ENCRYPTED PRIVATE KEY"
    }

    /// Loads a key for signing. Refuses a file that group or others may read.
    public static func load(_ path: String, passphrase: [UInt8]? = nil) throws -> PrivateSigningKey {
        let mode = try SafeFile.mode(of: path)
        if mode & 0o077 != 0 {
            throw FileError(path: path, reason: .insecurePermissions(mode: mode), isInput: true)
        }
        let text = String(decoding: try SafeFile.read(path, limit: 64 * 1024), as: UTF8.self)
        return try parse(text, passphrase: passphrase, source: path)
    }

    /// Parses PEM text of a private key; `source` names it in errors.
    public static func parse(_ text: String, passphrase: [UInt8]? = nil, source: String) throws -> PrivateSigningKey {
        guard let block = PEM.firstDocument(in: text) else {
            throw CTIFailure(.keyMalformed, "\(source): no PEM private key found (expected -----BEGIN PRIVATE KEY-----)")
        }
        do {
            switch block.discriminator {
            case "PRIVATE KEY":
                return try PrivateSigningKey(pkcs8DER: block.derBytes)
            case "ENCRYPTED PRIVATE KEY":
                guard let passphrase else {
                    throw CTIFailure(.keyPassphraseRequired, "the key is encrypted; give its passphrase with --passphrase-file FILE or the CTICTL_PASSPHRASE environment variable")
                }
                let der = try EncryptedPrivateKeyInfo.decrypt(block.derBytes, passphrase: passphrase)
                // A wrong passphrase can decrypt to garbage with valid padding (1 in 256).
                guard let key = try? PrivateSigningKey(pkcs8DER: der) else {
                    throw CTIFailure(.keyPassphraseWrong, "the passphrase does not decrypt this private key")
                }
                return key
            default:
                throw CTIFailure(.keyUnsupported, "PEM block '\(block.discriminator)' is not a PKCS#8 private key; convert it with `openssl pkcs8 -topk8`")
            }
        } catch let error as CTIFailure {
            throw error.naming(source)
        }
    }
}
