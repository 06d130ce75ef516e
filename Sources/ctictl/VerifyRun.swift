import ArgumentParser
import CTICore
import Licensing
import ReleaseCatalog
import Signing

/// `ctictl license verify`, once its arguments are known: what the client runs at every
/// start. Both the ArgumentParser command and the fast path below end here.
struct VerifyRun {
    var file: String
    var keyring: String
    var product: String?
    var pbxFactors: [PBXFactor] = []
    var at: String?
    var activeUsers: Int?
    var releaseDate: String?
    var release: String?
    var catalog: String?
    var revocations: String?
    var state: String?
    var endorsements: [String] = []
    var allowDevelopmentKeys = false
    var explain = false
    var format: OutputFormat = .text
    var language: Language = .en

    func run() throws {
        Output.format = format
        if release != nil && catalog == nil {
            throw CTIFailure(.usageMissing, "--release needs --catalog FILE: the product's signed release catalog (from `ctictl catalog sign`)")
        }
        if release != nil && releaseDate != nil {
            throw CTIFailure(.usageConflict, "give --release or --release-date, not both")
        }
        let now = try at.map { try DateArgument.start($0, option: "--at") } ?? SystemClock.now()
        let ring = try Keyring.load(keyring)
        let endorsed = try endorsements.map(document)
        let check = LicenseCheck(
            license: try document(file), keyring: ring, endorsements: endorsed,
            revocations: try revocations.map(document), catalog: try catalog.map(document), release: try release.map { try parseVersion($0, option: "--release") },
            context: VerificationContext(
                now: now, product: product, pbxFactors: pbxFactors, allowDevelopmentKeys: allowDevelopmentKeys, activeUsers: activeUsers,
                releaseDate: try releaseDate.map { try DateArgument.day($0, option: "--release-date") },
                state: try state.map { try VerifierState.load($0) }, nowIsFromClock: at == nil))
        let outcome = try check.run()
        let result = outcome.verification
        if let state, let next = outcome.nextState { try next.save(state) }
        switch format {
        case .json:
            struct Body: Encodable {
                let file: String
                let checkedAt: String
                let verification: LicenseVerification
            }
            Output.json(Body(file: file, checkedAt: UTCTimestamp.format(now), verification: result), schema: "ctictl.license-verify/1")
        case .text:
            Output.print(VerificationText.render(result, file: file, explain: explain, language: language))
        }
        switch result.status {
        case .valid: return
        case .validWithWarnings: throw ExitCode(2)
        case .invalid: throw ExitCode(1)
        }
    }

    private func document(_ path: String) throws -> InputDocument {
        InputDocument(name: path, bytes: try InputFile.read(path))
    }

    /// Parses `license verify` arguments without ArgumentParser, whose reflection over the
    /// command costs about 2 ms of every client start. It accepts exactly the documented
    /// options; anything else (help, a typo, a repeated option, a missing keyring) returns
    /// nil and goes through ArgumentParser, so messages are unchanged. A test runs both paths
    /// on the same arguments and compares the results.
    static func fastParse(_ arguments: [String], keyringFromEnvironment: String?) -> VerifyRun? {
        var file: String?
        var values: [String: String] = [:]
        var endorsements: [String] = []
        var flags: Set<String> = []
        let valued: Set<String> = [
            "--keyring", "--product", "--pbx-id", "--pbx-mac", "--pbx-hostname", "--at", "--format", "--lang", "--active-users", "--release-date",
            "--release", "--catalog", "--revocations", "--state", "--endorsement",
        ]
        let switches: Set<String> = ["--allow-development-keys", "--explain"]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument.hasPrefix("--") {
                var name = argument
                var value: String?
                if let equals = argument.firstIndex(of: "=") {
                    name = String(argument[..<equals])
                    value = String(argument[argument.index(after: equals)...])
                }
                if switches.contains(name) {
                    guard value == nil, flags.insert(name).inserted else { return nil }
                } else if valued.contains(name) {
                    if value == nil {
                        guard index < arguments.count, !arguments[index].hasPrefix("-") else { return nil }
                        value = arguments[index]
                        index += 1
                    }
                    if name == "--endorsement", let value {
                        endorsements.append(value)
                        continue
                    }
                    guard values[name] == nil else { return nil }
                    values[name] = value
                } else {
                    return nil
                }
            } else if argument == "-" || !argument.hasPrefix("-") {
                guard file == nil else { return nil }
                file = argument
            } else {
                return nil
            }
        }
        guard let file, let keyring = values["--keyring"] ?? keyringFromEnvironment else {
            return nil
        }
        guard let format = OutputFormat(rawValue: values["--format"] ?? "text"), let language = Language(rawValue: values["--lang"] ?? "en") else {
            return nil
        }
        var activeUsers: Int?
        if let text = values["--active-users"] {
            guard let number = Int(text) else { return nil }
            activeUsers = number
        }
        let factors = [(PBXFactor.instanceID, "--pbx-id"), (PBXFactor.mac, "--pbx-mac"), (PBXFactor.hostname, "--pbx-hostname")]
            .compactMap { kind, option in values[option].map { PBXFactor(kind: kind, value: $0) } }
        return VerifyRun(
            file: file, keyring: keyring, product: values["--product"], pbxFactors: factors, at: values["--at"],
            activeUsers: activeUsers, releaseDate: values["--release-date"], release: values["--release"], catalog: values["--catalog"],
            revocations: values["--revocations"], state: values["--state"],
            endorsements: endorsements, allowDevelopmentKeys: flags.contains("--allow-development-keys"), explain: flags.contains("--explain"),
            format: format, language: language)
    }
}
