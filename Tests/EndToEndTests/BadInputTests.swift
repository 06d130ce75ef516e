import Foundation
import Testing

/// Bad input gets one clear line naming the input, and a documented exit status; never a
/// crash, a stack trace or a Swift "Fatal error".
@Suite struct BadInputTests {
    let tmp: TemporaryDirectory
    let keyring: String

    init() throws {
        tmp = try TemporaryDirectory()
        keyring = tmp.path("keys/keyring.jwks")
        let generated = try CLI.run(["key", "generate", "--kid", "k", "--dir", tmp.path("keys")])
        #expect(generated.status == 0)
        let issued = try CLI.run(
            ["license", "issue", "--key", tmp.path("keys/k.pem"), "--product", "datev-connector", "--customer", "c", "--seats", "1",
             "--ledger", tmp.path("l.sqlite"), "--out", tmp.path("good.lic")])
        #expect(issued.status == 0)
    }

    func good() throws -> String { try String(contentsOfFile: tmp.path("good.lic"), encoding: .utf8) }

    func write(_ name: String, _ data: Data) throws -> String {
        let path = tmp.path(name)
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    func expectCleanFailure(_ result: CLI.Result, status: Int32, code: String, naming input: String?, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1, "expected one line, got: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("[\(code)]"), "\(result.stderr)", sourceLocation: sourceLocation)
        if let input { #expect(result.stderr.contains(input), "\(result.stderr)", sourceLocation: sourceLocation) }
        for forbidden in ["Fatal error", "Stack dump", "backtrace", "Thread 0"] {
            #expect(!result.stderr.contains(forbidden), sourceLocation: sourceLocation)
        }
    }

    func verify(_ path: String) throws -> CLI.Result {
        try CLI.run(["license", "verify", path, "--keyring", keyring])
    }

    @Test func emptyFile() throws {
        let path = try write("empty.lic", Data())
        expectCleanFailure(try verify(path), status: 65, code: "armor.empty", naming: path)
    }

    @Test func binaryGarbage() throws {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let path = try write("garbage.lic", Data(bytes + [0]))
        expectCleanFailure(try verify(path), status: 65, code: "armor.not-text", naming: path)
    }

    @Test func aHundredMegabyteFileIsRefusedUnread() throws {
        let path = tmp.path("huge.lic")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: 100 * 1024 * 1024)  // sparse: no 100 MB written to disk
        try handle.close()
        expectCleanFailure(try verify(path), status: 65, code: "file.too-large", naming: path)
    }

    @Test func truncatedArmor() throws {
        let text = try good()
        let path = try write("cut.lic", Data(text.prefix(text.count - 40).utf8))
        expectCleanFailure(try verify(path), status: 65, code: "armor.truncated", naming: path)
    }

    @Test func twoLicensesInOneFile() throws {
        let path = try write("two.lic", Data((try good() + "\n" + good()).utf8))
        expectCleanFailure(try verify(path), status: 65, code: "armor.multiple", naming: path)
    }

    @Test func unknownKid() throws {
        let other = try CLI.run(["key", "generate", "--kid", "other", "--dir", tmp.path("other")])
        #expect(other.status == 0)
        let result = try CLI.run(["license", "verify", tmp.path("good.lic"), "--keyring", tmp.path("other/keyring.jwks")])
        #expect(result.status == 1)
        #expect(result.stdout.contains("[jws.unknown-key]"))
        #expect(result.stdout.contains("\"k\""))
    }

    /// A forged license: header and payload as given, the signature of the real one.
    func forged(header: String) throws -> String {
        let compact = try good().split(separator: "\n").filter { !$0.contains(":") && !$0.hasPrefix("-----") }.joined()
        let parts = compact.split(separator: ".")
        let encoded = Data(header.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return try write("forged-\(abs(header.hashValue)).lic", Data("\(encoded).\(parts[1]).\(parts[2])".utf8))
    }

    @Test func algNone() throws {
        let result = try verify(try forged(header: #"{"alg":"none","kid":"k","typ":"cti-license+jwt"}"#))
        #expect(result.status == 1)
        #expect(result.stdout.contains("[jws.alg-none]"))
    }

    @Test func wrongTyp() throws {
        let result = try verify(try forged(header: #"{"alg":"EdDSA","kid":"k","typ":"JWT"}"#))
        #expect(result.status == 1)
        #expect(result.stdout.contains("[jws.wrong-type]"))
    }

    @Test func aKeyringWithABrokenKey() throws {
        let path = try write("broken.jwks", Data(#"{"keys":[{"kid":"k","kty":"OKP","crv":"Ed25519","x":"AAAA"}]}"#.utf8))
        let result = try CLI.run(["license", "verify", tmp.path("good.lic"), "--keyring", path])
        expectCleanFailure(result, status: 65, code: "keyring.key-invalid", naming: path)
        #expect(result.stderr.contains("keys[0]"))
    }

    @Test func aKeyringThatIsNotJSON() throws {
        let path = try write("nonsense.jwks", Data("hello".utf8))
        expectCleanFailure(try CLI.run(["license", "verify", tmp.path("good.lic"), "--keyring", path]), status: 65, code: "keyring.malformed", naming: path)
    }

    @Test func missingFiles() throws {
        expectCleanFailure(try verify(tmp.path("nope.lic")), status: 65, code: "file.not-found", naming: tmp.path("nope.lic"))
        expectCleanFailure(try verify(tmp.url.path), status: 65, code: "file.is-directory", naming: tmp.url.path)
    }

    @Test func badDatesAndMissingOptionsAreUsageErrors() throws {
        let result = try CLI.run(["license", "verify", tmp.path("good.lic"), "--keyring", keyring, "--at", "31.12.2026"])
        expectCleanFailure(result, status: 64, code: "usage.bad-date", naming: "31.12.2026")
        let missing = try CLI.run(["license", "issue", "--product", "p"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("Missing expected argument"))
        let noKeyring = try CLI.run(["license", "verify", tmp.path("good.lic")])
        expectCleanFailure(noKeyring, status: 64, code: "usage.keyring-missing", naming: nil)
    }

    @Test func aLedgerThatIsNotADatabase() throws {
        let path = try write("fake.sqlite", Data(repeating: 0x41, count: 2048))
        let result = try CLI.run(
            ["license", "issue", "--key", tmp.path("keys/k.pem"), "--product", "datev-connector", "--customer", "c", "--seats", "1", "--ledger", path, "--out", tmp.path("z.lic")])
        expectCleanFailure(result, status: 65, code: "ledger.not-a-ledger", naming: path)
    }

    @Test func jsonErrorsForScripts() throws {
        let path = try write("empty2.lic", Data())
        let result = try CLI.run(["license", "verify", path, "--keyring", keyring, "--format", "json"])
        #expect(result.status == 65)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["schema"] as? String == "ctictl.error/1")
        #expect((json["error"] as? [String: Any])?["exitStatus"] as? Int == 65)
    }
}
