import ArgumentParser
import CTICore
import Ledger
import Licensing
import Signing

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Create, list and export signing keys.",
        subcommands: [Generate.self, List.self, Export.self, Endorse.self, Retire.self, Revoke.self])
}

extension SigningAlgorithm: ExpressibleByArgument {}
extension KeyEnvironment: ExpressibleByArgument {}

extension KeyCommand {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a key pair: private key DIR/KID.pem (mode 0600), public key added to the keyring.")

        @Option(help: "Key id; names the key in licenses and keyrings (letters, digits, . _ -).") var kid: String
        @Option(help: "Algorithm: EdDSA (Ed25519, default) or ES256 (P-256).") var alg: SigningAlgorithm = .eddsa
        @Option(help: "Directory for the private key file.") var dir: String
        @Option(help: "Keyring to add the public key to (default DIR/keyring.jwks); created if missing.") var keyring: String?
        @Option(help: "production (default) or development.") var environment: KeyEnvironment = .production
        @OptionGroup var passphrase: PassphraseOptions
        @OptionGroup var ledger: LedgerOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            guard kid.range(of: "^[A-Za-z0-9._-]{1,64}$", options: .regularExpression) != nil, !kid.hasPrefix(".") else {
                throw CTIFailure(.usageBadKid, "--kid \"\(kid)\": use 1 to 64 letters, digits, '.', '_' or '-' (it becomes a file name)")
            }
            let keyringPath = keyring ?? dir + "/keyring.jwks"
            var ring = try Keyring.loadOrEmpty(keyringPath)
            let privateKey = PrivateSigningKey.generate(alg)
            let jwk = JWK(kid: kid, key: privateKey.publicKey, environment: environment)
            try ring.add(jwk)  // checks the kid before anything is written
            let ledger = try ledger.openCreating()  // and that the key event can be recorded
            if !SafeFile.exists(dir) { try SafeFile.makeDirectory(dir) }
            let keyPath = dir + "/" + kid + ".pem"
            try PrivateKeyFile.write(privateKey, to: keyPath, passphrase: try passphrase.passphrase(fromEnvironment: false))
            try ring.write(to: keyringPath)
            try ledger.record(.generated(jwk), now: SystemClock.now())
            let result = GeneratedKey(kid: kid, algorithm: alg, environment: environment, privateKey: keyPath, keyring: keyringPath, thumbprint: jwk.thumbprint)
            switch output.format {
            case .json: Output.json(result, schema: "ctictl.key-generate/1")
            case .text:
                Output.print("""
                    Generated \(alg.rawValue) key "\(kid)" (\(environment.rawValue)), thumbprint \(jwk.thumbprint)
                      private key: \(keyPath) (mode 0600; keep it secret, never commit it)
                      public key added to: \(keyringPath)
                    """)
            }
        }
    }

    struct GeneratedKey: Encodable {
        let kid: String
        let algorithm: SigningAlgorithm
        let environment: KeyEnvironment
        let privateKey: String
        let keyring: String
        let thumbprint: String
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the keys of a keyring.")

        @OptionGroup var keyring: KeyringOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let path = try keyring.path()
            let ring = try Keyring.load(path)
            let rows = ring.keys.map {
                KeyRow(kid: $0.kid, algorithm: $0.algorithm.rawValue, status: $0.status.rawValue, environment: $0.environment.rawValue,
                       notBefore: $0.notBefore.map(UTCTimestamp.format), expires: $0.expires.map(UTCTimestamp.format), thumbprint: $0.thumbprint)
            }
            if output.format == .json {
                struct Listing: Encodable {
                    let keyring: String
                    let keys: [KeyRow]
                }
                Output.json(Listing(keyring: path, keys: rows), schema: "ctictl.key-list/1")
                return
            }
            if rows.isEmpty {
                Output.print("\(path): no keys")
                return
            }
            Output.print(TextTable.render(
                header: ["KID", "ALG", "STATUS", "ENV", "THUMBPRINT"],
                rows: rows.map { [$0.kid, $0.algorithm, $0.status, $0.environment, $0.thumbprint] }))
        }
    }

    struct KeyRow: Encodable {
        let kid: String
        let algorithm: String
        let status: String
        let environment: String
        let notBefore: String?
        let expires: String?
        let thumbprint: String
    }

    struct Endorse: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a trusted key vouch for a new key, so clients that trust only the old key accept the new one.")

        @Option(help: "Private key file of the endorsing (trusted) key.") var key: String
        @Option(help: "Key id of the new key to endorse; its public key must be in the keyring.") var kid: String
        @OptionGroup var keyring: KeyringOption
        @Option(help: "Where to write the endorsement.") var out: String
        @OptionGroup var passphrase: PassphraseOptions
        @OptionGroup var ledger: LedgerOption
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            let privateKey = try passphrase.loadKey(key)
            let path = try keyring.path(default: nil)
            let ring = try Keyring.load(path)
            let endorserKID = try SigningKeyLookup.kid(for: privateKey, explicit: nil, keyring: ring, keyringPath: path, keyPath: key)
            guard let endorsed = ring.key(withID: kid) else {
                throw CTIFailure(.usageKidUnknown, "kid \"\(kid)\" is not in \(path); generate it first (`ctictl key generate --kid \(kid)`)")
            }
            guard endorsed.kid != endorserKID else { throw CTIFailure(.usageSelfEndorsement, "a key cannot endorse itself") }
            let ledger = try ledger.open()
            let text = try KeyEndorsementFormat.sign(endorsed, by: privateKey, kid: endorserKID, now: SystemClock.now())
            try SafeFile.write(Array(text.utf8), to: out, mode: 0o644, backup: true)
            try ledger.record(.endorsed(kid: kid, by: endorserKID), now: SystemClock.now())
            switch output.format {
            case .json: Output.json(["endorser": endorserKID, "endorsed": kid, "out": out], schema: "ctictl.key-endorse/1")
            case .text: Output.print("Key \"\(endorserKID)\" endorses key \"\(kid)\"\n  endorsement: \(out) (ship it with licenses signed by \"\(kid)\"; verify with --endorsement)")
            }
        }
    }

    struct Retire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire a key: it signs nothing more, and still verifies what it signed while active.")

        @Option(help: "Key id.") var kid: String
        @OptionGroup var keyring: KeyringOption
        @OptionGroup var ledger: LedgerOption

        func run() throws { try KeyStatusChange.apply(.retired, kid: kid, keyring: try keyring.path(), ledger: ledger) }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a key (it was exposed): it verifies nothing any more. Final.")

        @Option(help: "Key id.") var kid: String
        @OptionGroup var keyring: KeyringOption
        @OptionGroup var ledger: LedgerOption

        func run() throws { try KeyStatusChange.apply(.revoked, kid: kid, keyring: try keyring.path(), ledger: ledger) }
    }

    enum KeyStatusChange {
        static func apply(_ status: KeyStatus, kid: String, keyring path: String, ledger: LedgerOption) throws {
            var ring = try Keyring.load(path)
            try ring.setStatus(status, forKID: kid)
            let ledger = try ledger.open()
            try ring.write(to: path)
            try ledger.record(.statusChanged(kid: kid, to: status), now: SystemClock.now())
            Output.print("Key \"\(kid)\" is now \(status.rawValue) in \(path) (previous keyring kept as \(path).bak). Publish the keyring to clients.")
        }
    }

    enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
        case pem
        case jwk
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a public key as PEM (SubjectPublicKeyInfo, for openssl) or as a JWK.")

        @Option(help: "Key id in the keyring.") var kid: String?
        @Option(help: "Take the public key of this private key file instead.") var key: String?
        @OptionGroup var keyring: KeyringOption
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: "pem (default) or jwk.") var format: ExportFormat = .pem

        func run() throws {
            let jwk: JWK
            switch (kid, key) {
            case let (kid?, nil):
                let path = try keyring.path()
                guard let found = try Keyring.load(path).key(withID: kid) else {
                    throw CTIFailure(.usageKidUnknown, "kid \"\(kid)\" is not in \(path)")
                }
                jwk = found
            case let (nil, key?):
                let privateKey = try PrivateKeyFile.load(key, passphrase: try passphrase.passphrase(fromEnvironment: true))
                jwk = JWK(kid: kid ?? "exported", key: privateKey.publicKey)
            default:
                throw CTIFailure(.usageExportSource, "give exactly one of --kid (with --keyring) or --key")
            }
            switch format {
            case .pem: Output.print(jwk.key.pemRepresentation)
            case .jwk: Output.print(String(decoding: CanonicalJSON.pretty(JSONValue.object(jwk.members)), as: UTF8.self))
            }
        }
    }
}
