import Foundation
import Testing

/// The startup check's C entry point (Sources/CTIStartupCheck/include/cti_startup_check.h),
/// called as the clients call it: from a C program compiled here against the header and
/// linked to the built libCTIStartupCheck.so (interop/startup_check.c), and from Python's
/// `ctypes` on several threads at once, as .NET's P/Invoke would (interop/startup_check_ctypes.py).
/// Both must give the verdict `ctictl check` and `ctictl-check` give for the same request.
enum CEntry {
    static let environment = ProcessInfo.processInfo.environment
    /// The client-side products are built beside `ctictl` (`swift build` builds every product).
    static let buildDirectory = (CLI.executable as NSString).deletingLastPathComponent
    static let library = environment["CTICTL_CHECK_LIBRARY"] ?? buildDirectory + "/libCTIStartupCheck.so"
    static let checkExecutable = environment["CTICTL_CHECK_BIN"] ?? buildDirectory + "/ctictl-check"
    static let interop = CLI.packageRoot.appendingPathComponent("Tests/EndToEndTests/interop").path
    static let isCI = environment["CI"] != nil

    static let binutils = ["readelf", "nm", "strip"].allSatisfy { tool in
        (try? Process.runCapturing("/usr/bin/env", ["sh", "-c", "command -v \(tool)"]))?.status == 0
    }
    static let cc: String? = ["/usr/bin/cc", "/usr/local/bin/cc", "/usr/bin/gcc", "/usr/bin/clang"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let python: String? = {
        let result = try? Process.runCapturing("/usr/bin/env", ["python3", "-c", "import ctypes, threading"])
        return result?.status == 0 ? "/usr/bin/env" : nil
    }()

    /// Compiles interop/startup_check.c against the header, linked to the built library.
    static func compileCProgram(into tmp: TemporaryDirectory) throws -> String {
        let cc = try #require(cc, "cc is missing: install a C compiler (scripts/setup.sh)")
        let program = tmp.path("startup_check")
        let libraryDirectory = (library as NSString).deletingLastPathComponent
        #expect(FileManager.default.fileExists(atPath: library), "\(library) is missing: build with `swift build` (it builds every product)")
        let compiled = try Process.runCapturing(cc, [
            "-std=c11", "-Wall", "-Wextra", "-Werror", "-I", CLI.packageRoot.appendingPathComponent("Sources/CTIStartupCheck/include").path,
            interop + "/startup_check.c", "-o", program, "-L", libraryDirectory, "-lCTIStartupCheck", "-Wl,-rpath," + libraryDirectory,
        ])
        #expect(compiled.status == 0, "cc failed:\n\(compiled.stderr)")
        return program
    }

    /// A verdict as compared across the callers: without what depends on the instant of the
    /// call and on the calls before it (a request without "at" is checked at the clock's now;
    /// the next state is written by the first call and then only once it says something new).
    static func comparable(_ verdict: Any) throws -> NSDictionary {
        var object = try #require(verdict as? [String: Any], "a verdict is a JSON object: \(verdict)")
        object["checkedAt"] = nil
        object["nextState"] = nil
        return object as NSDictionary
    }

    static func verdict(_ text: String) throws -> NSDictionary {
        try comparable(try JSONSerialization.jsonObject(with: Data(text.utf8)))
    }
}

/// Real inputs for the check, made with the built ctictl and the committed development key: a
/// request file per outcome.
struct StartupRequests {
    struct Case {
        let name: String
        let request: String
        /// The verdict's exit status.
        let status: Int32
        /// The code of a finding it must have (nil: none needed).
        let code: String?
    }

    let cases: [Case]
    /// A request that is not JSON, and an empty one: the programs refuse them before any check.
    let malformed: String
    let empty: String
    let state: String

    init(in tmp: TemporaryDirectory) throws {
        let root = CLI.packageRoot.path
        // A copy with the mode ctictl demands of a private key file (git keeps no 0600).
        let key = tmp.path("development-ed25519.pem")
        try FileManager.default.copyItem(atPath: root + "/keys/development-ed25519.pem", toPath: key)
        chmod(key, 0o600)
        let keyring = root + "/keys/development.jwks"
        let catalog = tmp.path("releases.signed")
        let signed = try CLI.run(["catalog", "sign", "--product", "datev-connector", "--catalog-dir", root + "/config-schemas", "--key", key, "--keyring", keyring, "--out", catalog])
        #expect(signed.status == 0, "\(signed.stderr)")
        func issue(_ name: String, expires: String) throws -> String {
            let out = tmp.path(name)
            let issued = try CLI.run([
                "license", "issue", "--key", key, "--keyring", keyring, "--product", "datev-connector", "--customer", "K-10023", "--customer-name", "Kanzlei Müller",
                "--seats", "5", "--pbx-id", "SF-4711", "--expires", expires, "--ledger", tmp.path("ledger.sqlite"), "--out", out,
            ])
            #expect(issued.status == 0, "\(issued.stderr)")
            return out
        }
        let valid = try issue("valid.lic", expires: Self.day(365))
        let expiring = try issue("expiring.lic", expires: Self.day(10))
        let clean = tmp.path("clean.user.config")
        let tapi = tmp.path("tapi.user.config")
        try Data(ConfigCheckCLITests.userConfig(ConfigCheckCLITests.clean).utf8).write(to: URL(fileURLWithPath: clean))
        try Data(ConfigCheckCLITests.userConfig(ConfigCheckCLITests.clean + [("UseTapiLine", "True")]).utf8).write(to: URL(fileURLWithPath: tapi))
        state = tmp.path("state/verifier-state.json")

        func request(_ name: String, _ changes: [String: Any]) throws -> String {
            var members: [String: Any] = [
                "schema": "ctictl.startup-request/1", "product": "datev-connector", "license": valid, "keyring": keyring,
                "catalog": catalog, "config": clean, "configSchemas": root + "/config-schemas", "clientVersion": "2.6", "moduleVersion": 21,
                "pbxVersion": "6.7.0.5", "pbxId": "SF-4711", "datevVersion": "10.11", "activeUsers": 3, "allowDevelopmentKeys": true,
                "at": Self.day(30),
            ]
            for (member, value) in changes { members[member] = value is NSNull ? nil : value }
            let path = tmp.path("\(name).request.json")
            try JSONSerialization.data(withJSONObject: members, options: [.prettyPrinted, .sortedKeys]).write(to: URL(fileURLWithPath: path))
            return path
        }
        cases = [
            // What a client sends at every start: the clock's now, and its state file.
            Case(name: "valid", request: try request("valid", ["at": NSNull(), "state": state]), status: 0, code: nil),
            Case(name: "expired", request: try request("expired", ["license": expiring, "at": Self.day(60)]), status: 1, code: "license.expired"),
            Case(name: "wrong PBX", request: try request("wrong-pbx", ["pbxId": "SF-0815"]), status: 1, code: "license.pbx-mismatch"),
            Case(name: "UseTapiLine on 2.6", request: try request("tapi", ["config": tapi]), status: 1, code: "config.tapi-line-enabled"),
        ]
        malformed = tmp.path("malformed.request.json")
        try Data("{\"product\": \"datev-connector\", \"license\": ".utf8).write(to: URL(fileURLWithPath: malformed))
        empty = tmp.path("empty.request.json")
        try Data().write(to: URL(fileURLWithPath: empty))
    }

    /// The day `offset` days from today (UTC), YYYY-MM-DD: licenses are issued now.
    static func day(_ offset: Int) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date().addingTimeInterval(Double(offset) * 86_400))
    }

    /// The verdict of `ctictl check` and of `ctictl-check` for a request (their JSON must agree).
    func programVerdict(_ request: String, status: Int32) throws -> NSDictionary {
        let cli = try CLI.run(["check", "--settings", request, "--format", "json"])
        #expect(cli.status == status, "ctictl check: \(cli.stdout)\(cli.stderr)")
        let standalone = try Process.runCapturing(CEntry.checkExecutable, ["--request", request, "--format", "json"])
        #expect(standalone.status == status, "ctictl-check: \(standalone.stdout)\(standalone.stderr)")
        let verdict = try CEntry.verdict(cli.stdout)
        #expect(try CEntry.verdict(standalone.stdout) == verdict, "ctictl check and ctictl-check disagree:\n\(cli.stdout)\n\(standalone.stdout)")
        return verdict
    }

    /// What the programs say about a request they cannot read: exit status and error code.
    func programRefusal(_ request: String) throws -> (status: Int32, code: String) {
        let cli = try CLI.run(["check", "--settings", request, "--format", "json"])
        let error = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])["error"] as? [String: Any]
        let code = try #require(error?["code"] as? String, "ctictl check: \(cli.stdout)\(cli.stderr)")
        let standalone = try Process.runCapturing(CEntry.checkExecutable, ["--request", request, "--format", "json"])
        #expect(standalone.status == cli.status, "ctictl-check: \(standalone.stderr)")
        #expect(standalone.stderr.contains("[\(code)]"), "ctictl-check: \(standalone.stderr)")
        return (cli.status, code)
    }
}

@Suite(.serialized) struct StartupCheckCEntryTests {
    let tmp: TemporaryDirectory
    init() throws { tmp = try TemporaryDirectory("startup-c-entry") }

    @Test(.enabled(if: CEntry.cc != nil || CEntry.isCI, "no C compiler (cc) is installed; the C entry point is not called from C"))
    func aCProgramGetsTheVerdictOfTheCLI() throws {
        let program = try CEntry.compileCProgram(into: tmp)
        let inputs = try StartupRequests(in: tmp)
        let version = try Process.runCapturing(program, ["--version"])
        #expect(version.stdout == "ctictl.startup-request/1 ctictl.startup-check/1\n")

        for item in inputs.cases {
            let expected = try inputs.programVerdict(item.request, status: item.status)
            let called = try Process.runCapturing(program, [item.request], in: tmp.url)
            #expect(called.status == 0, "\(item.name): \(called.stderr)")
            let verdict = try CEntry.verdict(called.stdout)
            #expect(verdict == expected, "\(item.name): the C entry point and the CLI disagree:\n\(called.stdout)")
            #expect(verdict["exitStatus"] as? Int == Int(item.status), "\(item.name): \(called.stdout)")
            if let code = item.code { #expect(Self.codes(verdict).contains(code), "\(item.name): no \(code) in \(called.stdout)") }
        }
        // The valid case wrote the state, readably (the library writes it as the programs do).
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: inputs.state))) as? [String: Any]
        #expect(state?["highWaterMark"] is NSNumber, "\(String(describing: state))")

        // Requests that cannot be read: a verdict from the library, an error from the programs.
        for (argument, twin) in [(inputs.malformed, inputs.malformed), ("--empty", inputs.empty), ("--null", nil)] {
            let called = try Process.runCapturing(program, [argument])
            #expect(called.status == 0, "\(argument): \(called.stderr)")
            let verdict = try CEntry.verdict(called.stdout)
            #expect(verdict["verdict"] as? String == "do-not-start", "\(argument): \(called.stdout)")
            #expect(verdict["exitStatus"] as? Int == 64, "\(argument): \(called.stdout)")
            #expect(Self.codes(verdict) == ["startup.request-malformed"], "\(argument): \(called.stdout)")
            if let twin {
                let programs = try inputs.programRefusal(twin)
                #expect(programs.status == 64 && programs.code == "startup.request-malformed", "\(argument): the programs say \(programs)")
            }
        }
    }

    @Test(.enabled(if: CEntry.python != nil || CEntry.isCI, "python3 is not installed; the C entry point is not called through ctypes"))
    func pythonCtypesOnSixteenThreadsGetsTheVerdictOfTheCLI() throws {
        let python = try #require(CEntry.python, "python3 is missing: run scripts/test.sh, which installs it")
        #expect(FileManager.default.fileExists(atPath: CEntry.library), "\(CEntry.library) is missing: build with `swift build`")
        let inputs = try StartupRequests(in: tmp)
        var expected: [NSDictionary] = []
        for item in inputs.cases { expected.append(try inputs.programVerdict(item.request, status: item.status)) }

        // The valid request, which writes the state file, eight times: up to 128 calls of the
        // threads write the one state at once (without a lock around the save, one in three
        // runs here had a save refused, its backup replaced by another thread's).
        let again = Array(repeating: inputs.cases[0].request, count: 7)
        let arguments = inputs.cases.map(\.request) + again + [inputs.malformed, "--empty", "--null"]
        let called = try Process.runCapturing(python, ["python3", CEntry.interop + "/startup_check_ctypes.py", CEntry.library, "16"] + arguments, in: tmp.url)
        try #require(called.status == 0, "\(called.stderr)")
        let verdicts = try #require(try JSONSerialization.jsonObject(with: Data(called.stdout.utf8)) as? [Any], "\(called.stdout)")
        try #require(verdicts.count == arguments.count, "\(called.stdout)")
        for (index, item) in inputs.cases.enumerated() {
            let verdict = try CEntry.comparable(verdicts[index])
            #expect(verdict == expected[index], "\(item.name): ctypes and the CLI disagree:\n\(verdict)")
        }
        for verdict in verdicts[inputs.cases.count..<inputs.cases.count + again.count] {
            #expect(try CEntry.comparable(verdict) == expected[0], "the valid request, again: \(verdict)")
        }
        for verdict in verdicts.suffix(3) {
            let refused = try CEntry.comparable(verdict)
            #expect(refused["exitStatus"] as? Int == 64 && Self.codes(refused) == ["startup.request-malformed"], "\(refused)")
        }
        // Sixteen threads wrote the one state file at once: it is whole.
        let state = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: inputs.state))) as? [String: Any]
        #expect(state?["highWaterMark"] is NSNumber, "\(String(describing: state))")
    }

    /// The client's products link the check and below only (scripts/client-links.sh, which
    /// scripts/bench.sh also runs on the shipped build); `ctictl` itself links all of it, so
    /// the check is seen to fail.
    @Test(.enabled(if: CEntry.binutils || CEntry.isCI, "readelf, nm or strip (binutils) is missing"))
    func theClientProductsLinkNeitherFoundationNorArgumentParserNorGRDB() throws {
        let script = CLI.packageRoot.appendingPathComponent("scripts/client-links.sh").path
        let client = try Process.runCapturing(script, [CEntry.checkExecutable, CEntry.library])
        #expect(client.status == 0, "\(client.stdout)\(client.stderr)")
        #expect(client.stdout.components(separatedBy: "startup check and below only").count == 3, "\(client.stdout)")
        let vendor = try Process.runCapturing(script, [CLI.executable])
        #expect(vendor.status == 1, "\(vendor.stdout)\(vendor.stderr)")
        for module in ["$s4GRDB", "$s14ArgumentParser", "$s6Ledger", "$s10Foundation"] {
            #expect(vendor.stdout.contains(module), "\(module) not found in ctictl: \(vendor.stdout)")
        }
    }

    static func codes(_ verdict: NSDictionary) -> [String] {
        ((verdict["findings"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }
    }
}
