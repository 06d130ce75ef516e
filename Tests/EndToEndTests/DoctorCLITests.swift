import Foundation
import Testing

/// `ctictl doctor` run like support runs it: on a copied profile tree, with the inputs of the
/// startup check; marks per check, JSON, exit statuses, and a safe fix that can be rolled back.
@Suite struct DoctorCLITests {
    let tmp: TemporaryDirectory
    let key: String
    static let keyring = CLI.packageRoot.appendingPathComponent("keys/development.jwks").path

    init() throws {
        tmp = try TemporaryDirectory()
        key = try CLI.developmentKey(in: tmp)
        #expect(try CLI.run(["catalog", "sign", "--product", "datev-connector", "--key", key, "--out", tmp.path("catalog.sig")]).status == 0)
        let issued = try CLI.run(["license", "issue", "--key", key, "--product", "datev-connector", "--customer", "K-7", "--seats", "5",
                                  "--pbx-id", "PBX-1", "--ledger", tmp.path("ledger.sqlite"), "--out", tmp.path("license.lic")])
        #expect(issued.status == 0, "\(issued.stderr)")
        try user("anna", [("StarfaceHost", "192.168.10.5"), ("UseTapiLine", "True")])
        try user("ben", [("StarfaceHost", "192.168.10.5"), ("XmppPort", "5222")])
    }

    func user(_ name: String, _ settings: [(String, String)]) throws {
        let folder = tmp.path("Users/\(name)/AppData/Roaming/DatevConnector")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try StartupCheckCLITests.config(settings).write(toFile: folder + "/user.config", atomically: true, encoding: .utf8)
    }

    func doctor(_ extra: [String], environment: [String: String] = [:]) throws -> CLI.Result {
        try CLI.run(["doctor", "--product", "datev-connector", "--license", tmp.path("license.lic"), "--keyring", Self.keyring, "--catalog", tmp.path("catalog.sig"),
                     "--client-version", "2.6", "--pbx-version", "6.7.0.5", "--pbx-id", "PBX-1", "--allow-development-keys", "--root", tmp.path("Users"),
                     "--history", tmp.path("history.sqlite"), "--offline"] + extra, environment: environment)
    }

    @Test func aMarkPerCheckEachProblemWithItsFixAndASummary() throws {
        let run = try doctor([], environment: ["LANG": "C.UTF-8"])
        #expect(run.status == 1, "\(run.stdout)\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.contains("  [✓] license.valid: License valid for this product and PBX"), "\(run.stdout)")
        #expect(lines.contains("  [✗] config.users: Every user's client config fits its release"))
        #expect(run.stdout.contains("✗ anna: ") && run.stdout.contains("[config.tapi-line-enabled]"))
        #expect(!run.stdout.contains("ben: "), "ben's config is fine: \(run.stdout)")
        #expect(run.stdout.contains("--fix would: ") && run.stdout.contains("set UseTapiLine to False"))
        #expect(lines.last?.hasPrefix("Summary: 1 failed") == true, "\(run.stdout)")
    }

    @Test func germanFromTheEnvironmentAndJSONForScripts() throws {
        let german = try doctor(["--check", "config"], environment: ["LANG": "de_DE.UTF-8"])
        #expect(german.stdout.contains("Client-Konfiguration"))
        #expect(german.stdout.contains("Ergebnis: 1 fehlgeschlagen"), "\(german.stdout)")
        let json = try doctor(["--format", "json"])
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["schema"] as? String == "ctictl.doctor/1")
        #expect(object["exitStatus"] as? Int == 1)
        let checks = try #require(object["checks"] as? [[String: Any]])
        #expect(checks.map { $0["name"] as? String } == ["license.valid", "config.users", "compatibility.supported", "pbx.address", "pbx.ports", "module.name", "logs.known-issues", "clock.sane"])
        #expect(checks.first { $0["name"] as? String == "config.users" }?["status"] as? String == "failed")
    }

    @Test func theSafeFixIsRecordedAndCanBeRolledBack() throws {
        let file = tmp.path("Users/anna/AppData/Roaming/DatevConnector/user.config")
        let before = try Data(contentsOf: URL(fileURLWithPath: file))
        let fixed = try doctor(["--fix", "--check", "config.users"])
        #expect(fixed.stdout.contains("changed: \(file): UseTapiLine set to False"), "\(fixed.stdout)")
        let after = try String(contentsOfFile: file, encoding: .utf8)
        #expect(after.contains("<value>False</value>") && !after.contains("<value>True</value>"))
        // Only the value changed; the file's other bytes (its BOM, CRLF) are as they were.
        let expected = String(decoding: before, as: UTF8.self).replacingOccurrences(of: "<value>True</value>", with: "<value>False</value>")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(expected.utf8))
        let again = try doctor(["--check", "config.users"])
        #expect(again.status == 2, "only the removed setting's warning is left: \(again.stdout)")
        let rollback = try CLI.run(["config", "rollback", file, "--history", tmp.path("history.sqlite")])
        #expect(rollback.status == 0, "\(rollback.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == before)
    }

    @Test func listsChecksAndNamesATypo() throws {
        let list = try CLI.run(["doctor", "--list-checks"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("license.valid") && list.stdout.contains("clock.sane"))
        let typo = try doctor(["--check", "config.user"])
        #expect(typo.status == 64)
        #expect(typo.stderr.contains("did you mean config.users?"), "\(typo.stderr)")
        // The report's language reaches the error lines too.
        let german = try doctor(["--check", "config.user", "--lang", "de"])
        #expect(german.status == 64)
        #expect(german.stderr.contains("meinten Sie config.users?"), "\(german.stderr)")
        let timeout = try doctor(["--timeout", "0", "--lang", "de"])
        #expect(timeout.status == 64 && timeout.stderr.contains("Millisekunden"), "\(timeout.stderr)")
    }

    @Test func aCheckThatCannotRunSaysWhyAndFailsNothing() throws {
        let run = try CLI.run(["doctor", "--product", "datev-connector", "--root", tmp.path("Users"), "--client-version", "2.6", "--check", "license", "--check", "compatibility"])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout.contains("[-] license.valid: License valid for this product and PBX — not run: no license given (--license)"), "\(run.stdout)")
        #expect(run.stdout.contains("[-] compatibility.supported"))
    }

    @Test func aLicensePastedWithTextAroundItIsTrimmedByTheSafeFix() throws {
        let original = try String(contentsOfFile: tmp.path("license.lic"), encoding: .utf8)
        let pasted = "Hallo Herr Muster,\r\nanbei Ihre Lizenz:\r\n\r\n" + original.replacingOccurrences(of: "\n", with: "\r\n    ") + "\r\nMit freundlichen Grüßen\r\n"
        try pasted.write(toFile: tmp.path("license.lic"), atomically: true, encoding: .utf8)
        let run = try doctor(["--check", "license"])
        #expect(run.status == 0, "the pasted license verifies: \(run.stdout)")
        #expect(run.stdout.contains("--fix would: rewrite \(tmp.path("license.lic")) in its armored form"), "\(run.stdout)")
        let fixed = try doctor(["--check", "license", "--fix"])
        #expect(fixed.stdout.contains("changed: \(tmp.path("license.lic")): rewritten in its armored form"), "\(fixed.stdout)")
        #expect(try String(contentsOfFile: tmp.path("license.lic.bak"), encoding: .utf8) == pasted)
        let verified = try CLI.run(["license", "verify", tmp.path("license.lic"), "--keyring", Self.keyring, "--allow-development-keys", "--pbx-id", "PBX-1"])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(!(try doctor(["--check", "license"])).stdout.contains("--fix would"))
    }

    @Test func aClockBehindTheStateFails() throws {
        try #"{"highWaterMark": 4102444800}"#.write(toFile: tmp.path("state.json"), atomically: true, encoding: .utf8)  // 2100-01-01
        let run = try doctor(["--check", "clock", "--state", tmp.path("state.json")])
        #expect(run.status == 1, "\(run.stdout)")
        #expect(run.stdout.contains("[clock.set-back]"))
        // Doctor reads the state; it never writes it.
        #expect(try String(contentsOfFile: tmp.path("state.json"), encoding: .utf8) == #"{"highWaterMark": 4102444800}"#)
    }

    @Test func theBundleIsWrittenWithoutTheUsersNamesAndItsMappingBesideIt() throws {
        let run = try doctor(["--bundle", tmp.path("support.zip")])
        #expect(run.status == 1)
        #expect(run.stderr.contains("support bundle: \(tmp.path("support.zip"))") && run.stderr.contains("never send it"), "\(run.stderr)")
        let zip = try Data(contentsOf: URL(fileURLWithPath: tmp.path("support.zip")))
        #expect(zip.starts(with: [0x50, 0x4B, 0x03, 0x04]))
        let listing = try Process.runCapturing("/usr/bin/env", ["python3", "-c", "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print('\\n'.join(z.namelist())); print(''.join(z.read(n).decode('utf-8', 'replace') for n in z.namelist()))", tmp.path("support.zip")])
        #expect(listing.status == 0, "\(listing.stderr)")
        #expect(listing.stdout.contains("manifest.json") && listing.stdout.contains("report/report.html"))
        for canary in ["anna", "192.168.10.5", "K-7"] { #expect(!listing.stdout.contains(canary), "\(canary) leaked into the bundle") }
        let mapping = try String(contentsOfFile: tmp.path("support.mapping.json"), encoding: .utf8)
        #expect(mapping.contains("anna"))
        // A second run never replaces the bundle.
        let again = try doctor(["--bundle", tmp.path("support.zip")])
        #expect(again.status == 64, "\(again.stderr)")
    }

    @Test func knownProblemsInTheLogsAndAClockBehindThem() throws {
        let logs = tmp.path("Users/anna/AppData/Roaming/DatevConnector/logs")
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let log = "2026-11-02 08:00:01,120 INFO  Verbindung wird aufgebaut\r\n2026-11-02 08:00:02,500 ERROR Registering Buddy failed: 262631\r\n"
        try Data(log.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }.reduce(into: [0xFF, 0xFE]) { $0.append($1) }).write(to: URL(fileURLWithPath: logs + "/DatevConnector.log"))
        // Written "in the future": the clock of this computer is behind the client's logs.
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(30 * 86_400)], ofItemAtPath: logs + "/DatevConnector.log")
        let run = try doctor(["--check", "logs", "--check", "clock", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let checks = try #require(object["checks"] as? [[String: Any]])
        let codes = checks.flatMap { ($0["findings"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String } }
        #expect(codes.contains("log.registering-buddy-failed"), "\(run.stdout)")
        #expect(codes.contains("clock.behind-logs"), "\(run.stdout)")
    }

    @Test func theConfigNamedWithConfigIsCheckedByEveryCheck() throws {
        // --config (not only --root): the PBX checks read it too.
        try StartupCheckCLITests.config([("StarfaceHost", "http://203.0.113.9")]).write(toFile: tmp.path("public.config"), atomically: true, encoding: .utf8)
        let run = try CLI.run(["doctor", "--product", "datev-connector", "--config", tmp.path("public.config"), "--client-version", "2.6",
                               "--offline", "--check", "pbx.address", "--check", "config.users", "--history", tmp.path("history.sqlite")])
        #expect(run.stdout.contains("[pbx.host-scheme]"), "\(run.stdout)")
        #expect(run.stdout.contains("[pbx.host-public-address]"), "\(run.stdout)")
        #expect(run.stdout.contains("[config.host-has-scheme]"), "\(run.stdout)")
        #expect(!run.stdout.contains("[-]"), "every selected check ran: \(run.stdout)")
    }

    @Test func aProbeTimeoutOutOfRangeIsAUsageError() throws {
        for timeout in ["0", "60001"] {
            let run = try CLI.run(["doctor", "--product", "datev-connector", "--timeout", timeout, "--check", "clock"])
            #expect(run.status == 64, "\(timeout): \(run.stderr)")
            #expect(run.stderr.contains("--timeout \(timeout)"), "\(run.stderr)")
        }
    }
}
