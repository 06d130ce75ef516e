import Foundation
import Testing

/// `ctictl check` and the standalone `ctictl-check`, run like a client runs them: every
/// outcome of the startup check with its exit status, and the same verdict from both.
@Suite struct StartupCheckCLITests {
    let tmp: TemporaryDirectory
    let key: String
    static let keyring = CLI.packageRoot.appendingPathComponent("keys/development.jwks").path

    /// The standalone check, built beside ctictl.
    static let standalone = URL(fileURLWithPath: CLI.executable).deletingLastPathComponent().appendingPathComponent("ctictl-check").path

    init() throws {
        tmp = try TemporaryDirectory()
        key = try CLI.developmentKey(in: tmp)
        let signed = try CLI.run(["catalog", "sign", "--product", "datev-connector", "--key", key, "--out", tmp.path("catalog.sig")])
        #expect(signed.status == 0, "\(signed.stderr)")
        try issue("valid.lic", ["--pbx-id", "PBX-1", "--expires", "2027-12-31"])
        try Self.config([("StarfaceHost", "192.168.10.5"), ("XmppPort", "5222"), ("TransferCallsAutomatically", "True")]).write(toFile: tmp.path("user.config"), atomically: true, encoding: .utf8)
    }

    func issue(_ name: String, _ extra: [String]) throws {
        let issued = try CLI.run(
            ["license", "issue", "--key", key, "--product", "datev-connector", "--customer", "K-7", "--seats", "5", "--ledger", tmp.path("ledger.sqlite"),
             "--out", tmp.path(name)] + extra)
        #expect(issued.status == 0, "\(issued.stderr)")
    }

    static func config(_ settings: [(String, String)]) -> String {
        let body = settings.map { "      <setting name=\"\($0.0)\" serializeAs=\"String\">\r\n        <value>\($0.1)</value>\r\n      </setting>\r\n" }.joined()
        return "\u{FEFF}<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<configuration>\r\n  <userSettings>\r\n    <DatevConnector.Properties.Settings>\r\n"
            + body + "    </DatevConnector.Properties.Settings>\r\n  </userSettings>\r\n</configuration>\r\n"
    }

    /// The arguments of a start that passes, with `changes` applied (a nil value drops a flag).
    func arguments(_ changes: [String: String?] = [:], development: Bool = true) -> [String] {
        var values: [(String, String?)] = [
            ("--product", "datev-connector"), ("--license", tmp.path("valid.lic")), ("--keyring", Self.keyring), ("--catalog", tmp.path("catalog.sig")),
            ("--config", tmp.path("user.config")), ("--client-version", "2.6"), ("--pbx-version", "6.7.0.5"), ("--pbx-id", "PBX-1"),
            ("--datev", "10.11"), ("--state", tmp.path("state.json")),
        ]
        values = values.map { flag, value in (flag, changes.keys.contains(flag) ? changes[flag] ?? nil : value) }
        values += changes.filter { change in !values.contains { $0.0 == change.key } }.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
        return values.compactMap { flag, value in value.map { [flag, $0] } }.flatMap { $0 } + (development ? ["--allow-development-keys"] : [])
    }

    /// Runs both programs with the same arguments (JSON), checks they agree, returns the verdict.
    /// `prepare` runs before each program (both must see the same files).
    func check(_ arguments: [String], prepare: () throws -> Void = {}) throws -> (status: Int32, verdict: [String: Any]) {
        try prepare()
        let viaCTICTL = try CLI.run(["check"] + arguments + ["--format", "json"])
        try prepare()
        let standalone = try Process.runCapturing(Self.standalone, arguments + ["--format", "json"])
        #expect(viaCTICTL.status == standalone.status, "ctictl check \(viaCTICTL.status) vs ctictl-check \(standalone.status)")
        let first = try Self.verdict(viaCTICTL.stdout)
        let second = try Self.verdict(standalone.stdout)
        #expect(NSDictionary(dictionary: first) == NSDictionary(dictionary: second), "\(viaCTICTL.stdout)\n---\n\(standalone.stdout)")
        #expect(first["exitStatus"] as? Int == Int(viaCTICTL.status))
        return (viaCTICTL.status, first)
    }

    /// The verdict without the instant it was made (two runs differ in that only).
    static func verdict(_ json: String) throws -> [String: Any] {
        var object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "not a JSON object: \(json)")
        #expect(object["schema"] as? String == "ctictl.startup-check/1")
        object["checkedAt"] = nil
        object["nextState"] = nil
        return object
    }

    static func codes(_ verdict: [String: Any]) -> [String] {
        ((verdict["findings"] as? [[String: Any]]) ?? []).compactMap { $0["code"] as? String }
    }

    @Test func aValidStartExitsZeroAndRemembersTheClock() throws {
        let (status, verdict) = try check(arguments())
        #expect(status == 0)
        #expect(verdict["verdict"] as? String == "start")
        #expect(Self.codes(verdict).isEmpty)
        #expect((verdict["license"] as? [String: Any])?["customer"] as? String == "K-7")
        let state = try String(contentsOfFile: tmp.path("state.json"), encoding: .utf8)
        #expect(state.contains("\"highWaterMark\""))
    }

    @Test func inGraceStartsWithWarnings() throws {
        try issue("grace.lic", ["--pbx-id", "PBX-1", "--not-before", "2026-01-01", "--expires", "2026-06-01", "--grace-days", "30"])
        let (status, verdict) = try check(arguments(["--license": tmp.path("grace.lic"), "--at": "2026-06-15"]))
        #expect(status == 2)
        #expect(Self.codes(verdict) == ["license.in-grace-period"])
    }

    @Test func expiredDoesNotStart() throws {
        let (status, verdict) = try check(arguments(["--at": "2028-02-01"]))
        #expect(status == 1)
        #expect(verdict["verdict"] as? String == "do-not-start")
        #expect(verdict["license"] == nil)
        #expect(Self.codes(verdict) == ["license.expired"])
    }

    @Test func anotherPBXDoesNotStart() throws {
        let (status, verdict) = try check(arguments(["--pbx-id": "PBX-2"]))
        #expect(status == 1)
        #expect(Self.codes(verdict) == ["license.pbx-mismatch"])
    }

    @Test func useTapiLineOnTwoSixDoesNotStart() throws {
        try Self.config([("StarfaceHost", "192.168.10.5"), ("UseTapiLine", "True")]).write(toFile: tmp.path("tapi.config"), atomically: true, encoding: .utf8)
        let (status, verdict) = try check(arguments(["--config": tmp.path("tapi.config")]))
        #expect(status == 1)
        #expect(Self.codes(verdict).contains("config.tapi-line-enabled"))
        let text = try CLI.run(["check"] + arguments(["--config": tmp.path("tapi.config")]) + ["--lang", "de"])
        #expect(text.stdout.hasPrefix("NICHT STARTEN: datev-connector 2.6"), "\(text.stdout)")
        #expect(text.stdout.contains("(UseTapiLine)"))
    }

    @Test func anUntestedPBXStartsWithWarnings() throws {
        let (status, verdict) = try check(arguments(["--pbx-version": "9.0"]))
        #expect(status == 2)
        #expect(Self.codes(verdict) == ["compat.untested"])
    }

    @Test func aKnownIncompatibleCombinationDoesNotStart() throws {
        let (status, verdict) = try check(arguments(["--client-version": "2.4.4.1", "--pbx-version": "6.6.0.3", "--config": nil, "--datev": nil]))
        #expect(status == 1)
        #expect(Self.codes(verdict) == ["compat.incompatible"])
    }

    @Test func aRevokedLicenseDoesNotStart() throws {
        let revoked = try CLI.run(["license", "revoke", "CTI-00000001", "--ledger", tmp.path("ledger.sqlite"), "--reason", "refunded"])
        #expect(revoked.status == 0, "\(revoked.stderr)")
        let exported = try CLI.run(["revocations", "export", "--ledger", tmp.path("ledger.sqlite"), "--key", key, "--out", tmp.path("revocations.sig")])
        #expect(exported.status == 0, "\(exported.stderr)")
        let (status, verdict) = try check(arguments(["--revocations": tmp.path("revocations.sig")]))
        #expect(status == 1)
        #expect(Self.codes(verdict) == ["license.revoked"])
    }

    @Test func aDevelopmentKeyInProductionDoesNotStart() throws {
        let (status, verdict) = try check(arguments(development: false))
        #expect(status == 1)
        // The catalog is refused as well: it is signed by the same development key.
        #expect(Set(Self.codes(verdict)) == ["catalog.development-key", "license.development-key"])
    }

    @Test func aDamagedStateFileIsAFindingAndIsReplaced() throws {
        let (status, verdict) = try check(arguments()) {
            try Data("{\"highWaterMark\": tomorrow".utf8).write(to: URL(fileURLWithPath: tmp.path("state.json")))
        }
        #expect(status == 2)
        #expect(Self.codes(verdict) == ["startup.state-damaged"])
        // Rewritten, the damaged one kept beside it.
        #expect(try String(contentsOfFile: tmp.path("state.json"), encoding: .utf8).contains("\"highWaterMark\" : "))
        #expect(FileManager.default.fileExists(atPath: tmp.path("state.json.bak")))
    }

    /// A state file far too large for one is damaged like a broken one: a warning, not a refusal.
    @Test func anOversizedStateFileIsDamagedNotRefused() throws {
        let (status, verdict) = try check(arguments()) {
            try Data(repeating: 0x20, count: 5 << 20).write(to: URL(fileURLWithPath: tmp.path("state.json")))
        }
        #expect(status == 2)
        #expect(Self.codes(verdict) == ["startup.state-damaged"])
        #expect(try String(contentsOfFile: tmp.path("state.json"), encoding: .utf8).contains("\"highWaterMark\" : "))
    }

    /// A state that cannot be written (its backup's name is taken by a folder): the client
    /// starts, and is told.
    @Test func aStateThatCannotBeSavedIsAWarning() throws {
        let (status, verdict) = try check(arguments()) {
            try Data(#"{"schema": "ctictl.verifier-state/1", "highWaterMark": 1000}"#.utf8).write(to: URL(fileURLWithPath: tmp.path("state.json")))
            try FileManager.default.createDirectory(atPath: tmp.path("state.json.bak"), withIntermediateDirectories: true)
        }
        #expect(status == 2)
        #expect(Self.codes(verdict) == ["startup.state-not-saved"])
    }

    @Test func aMissingLicenseFileIsNamed() throws {
        let (status, verdict) = try check(arguments(["--license": tmp.path("none.lic")]))
        #expect(status == 65)
        let finding = try #require((verdict["findings"] as? [[String: Any]])?.first)
        #expect(finding["document"] as? String == "license")
        #expect((finding["message"] as? [String: String])?["en"]?.contains("none.lic") == true)
    }

    @Test func usageErrorsExit64WithOneLine() throws {
        let noProduct = try Process.runCapturing(Self.standalone, ["--client-version", "2.6"])
        #expect(noProduct.status == 64)
        #expect(noProduct.stdout.contains("DO NOT START"), "\(noProduct.stdout)")
        #expect(noProduct.stdout.contains("[startup.request-incomplete]"))
        let typo = try Process.runCapturing(Self.standalone, ["--pbx-verison", "9.0"])
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("did you mean --pbx-version?"), "\(typo.stderr)")
        let badVersion = try CLI.run(["check", "--product", "datev-connector", "--client-version", "two"])
        #expect(badVersion.status == 64)
    }

    @Test func theSettingsFileBesideTheClientNamesTheInstalledFiles() throws {
        let installation = tmp.path("install")
        try FileManager.default.createDirectory(atPath: installation, withIntermediateDirectories: true)
        for name in ["catalog.sig", "valid.lic"] { try FileManager.default.copyItem(atPath: tmp.path(name), toPath: "\(installation)/\(name)") }
        try FileManager.default.copyItem(atPath: Self.keyring, toPath: "\(installation)/keyring.jwks")
        let settings = """
            {"schema": "ctictl.startup-request/1", "product": "datev-connector", "license": "valid.lic", "keyring": "keyring.jwks",
             "catalog": "catalog.sig", "state": "state.json", "clientVersion": "2.6", "pbxVersion": "6.7.0.5", "pbxId": "PBX-1",
             "allowDevelopmentKeys": true}
            """
        try settings.write(toFile: "\(installation)/ctictl-check.json", atomically: true, encoding: .utf8)
        let run = try Process.runCapturing(Self.standalone, ["--settings", "\(installation)/ctictl-check.json", "--config", tmp.path("user.config")])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stdout.hasPrefix("START: datev-connector 2.6"))
        #expect(FileManager.default.fileExists(atPath: "\(installation)/state.json"))
        // A flag wins over the settings file.
        let flagged = try Process.runCapturing(Self.standalone, ["--settings", "\(installation)/ctictl-check.json", "--pbx-id", "PBX-9"])
        #expect(flagged.status == 1)
        #expect(flagged.stdout.contains("[license.pbx-mismatch]"))
        // An unknown member is named, with the nearest known one.
        try settings.replacingOccurrences(of: "pbxVersion", with: "pbxVersoin").write(toFile: "\(installation)/ctictl-check.json", atomically: true, encoding: .utf8)
        let typo = try Process.runCapturing(Self.standalone, ["--settings", "\(installation)/ctictl-check.json"])
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("unknown member \"pbxVersoin\"; did you mean \"pbxVersion\"?"), "\(typo.stderr)")
    }

    @Test func bothProgramsTakeTheSameFlags() throws {
        // Three lists of flags (ArgumentParser's options, StartupFlags, the usage text): one set.
        func flags(_ text: String) -> Set<String> {
            Set(text.split(whereSeparator: { !$0.isLetter && $0 != "-" }).map(String.init).filter { $0.hasPrefix("--") && $0.count > 2 })
        }
        let ctictl = flags(try CLI.run(["check", "--help"]).stdout).subtracting(["--help", "--version"])
        let standalone = flags(try Process.runCapturing(Self.standalone, ["--help"]).stdout).subtracting(["--help", "--request"])
        #expect(ctictl == standalone, "only ctictl check: \(ctictl.subtracting(standalone)); only ctictl-check: \(standalone.subtracting(ctictl))")
        #expect(ctictl.count >= 20)
    }
}
