import Foundation
import Testing

/// `ctictl config check` run as a user runs it, on user.config files written here.
@Suite struct ConfigCheckCLITests {
    let tmp: TemporaryDirectory
    let schemas = CLI.packageRoot.appendingPathComponent("config-schemas").path

    init() throws { tmp = try TemporaryDirectory("config-check") }

    /// A user.config of the DATEV Connector with these settings (CRLF, as Windows writes it).
    static func userConfig(_ settings: [(String, String)]) -> String {
        var lines = [
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<configuration>", "    <userSettings>",
            "        <DatevConnector.Properties.Settings>",
        ]
        for (name, value) in settings {
            lines += ["            <setting name=\"\(name)\" serializeAs=\"String\">", "                <value>\(value)</value>", "            </setting>"]
        }
        lines += ["        </DatevConnector.Properties.Settings>", "    </userSettings>", "</configuration>", ""]
        return lines.joined(separator: "\r\n")
    }

    static let clean = [("StarfaceHost", "192.168.10.5"), ("TransferCallsAutomatically", "True")]

    func write(_ relative: String, _ text: String) throws -> String {
        let path = tmp.path(relative)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func check(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["config", "check", "--product", "datev-connector", "--catalog-dir", schemas] + arguments)
    }

    @Test func theFAQCaseIsAnErrorWithTheSymptom() throws {
        let file = try write("user.config", Self.userConfig(Self.clean + [("UseTapiLine", "True")]))
        let result = try check([file, "--version", "2.6.1"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("error: UseTapiLine is True, but 2.6.1 has no TAPI line support"))
        #expect(result.stdout.contains("no call-notes pop-up on incoming calls (FAQ). [config.tapi-line-enabled]"))
        #expect(result.stdout.contains("warning: UseTapiLine was removed in 2.6; 2.6.1 no longer reads it. [config.setting-removed]"))
        #expect(result.stdout.contains("1 file(s): 1 error(s), 1 warning(s), 0 not checked"))
        let german = try check([file, "--version", "2.6.1", "--lang", "de"])
        #expect(german.stdout.contains("UseTapiLine ist True, aber 2.6.1 hat keine TAPI-Line-Unterstützung mehr"))
        #expect(german.stdout.contains("Abhilfe: UseTapiLine in %AppData%\\DatevConnector\\user.config auf False setzen"))
    }

    @Test func aCleanConfigExitsZeroAndWarningsTwo() throws {
        let clean = try write("clean/user.config", Self.userConfig(Self.clean))
        let result = try check([clean, "--version", "2.6"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains(": release 2.6 (--version): no findings"))
        let warned = try write("warned/user.config", Self.userConfig(Self.clean + [("XmppPort", "5223")]))
        let warning = try check([warned, "--version", "2.6"])
        #expect(warning.status == 2, "\(warning.stdout)\(warning.stderr)")
        #expect(warning.stdout.contains("[config.port-not-standard]"))
        // A value the release's schema refuses is an error naming the setting.
        let bad = try write("bad/user.config", Self.userConfig(Self.clean + [("SslPort", "443x")]))
        let invalid = try check([bad, "--version", "2.6", "--format", "json"])
        #expect(invalid.status == 1)
        let document = try JSONSerialization.jsonObject(with: Data(invalid.stdout.utf8)) as? [String: Any]
        #expect(document?["schema"] as? String == "ctictl.config-check/1")
        let entry = (document?["files"] as? [[String: Any]])?.first
        let finding = (entry?["findings"] as? [[String: Any]])?.first
        #expect(finding?["code"] as? String == "config.value-invalid" && finding?["setting"] as? String == "SslPort")
        #expect(entry?["release"] as? String == "2.6")
    }

    @Test func theReleaseComesFromTheSettingsOrMustBeGiven() throws {
        // A 2.6-only checkbox means at least 2.6: the stale UseTapiLine is then the FAQ error.
        let newer = try write("newer/user.config", Self.userConfig(Self.clean + [("CloseAfterCall", "False"), ("UseTapiLine", "True")]))
        let result = try check([newer])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("release >=2.6 (settings present)"))
        #expect(result.stdout.contains("[config.tapi-line-enabled]"))
        // Only settings every release has: the release cannot be told.
        let plain = try write("plain/user.config", Self.userConfig(Self.clean))
        let unknown = try check([plain])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("pass --version V [config.release-undetermined]"))
        // A bad --version is a usage error.
        #expect(try check([plain, "--version", "2.x"]).status == 64)
        // `--release` is the same option (the name `license verify` uses).
        #expect(try check([plain, "--release", "2.6"]).stdout.contains("release 2.6 (--version)"))
        // Neither files nor --root.
        #expect(try check([]).status == 64)
    }

    @Test func aRootWithBothLayoutsAndOneMalformedFile() throws {
        let app = "Users/carla/AppData/Local/STARFACE/DatevConnector.exe_Url_k3jd0ss1xq2gz0kfmdl5vw0c1gt0sgkf"
        _ = try write("root/Users/anna/AppData/Roaming/DatevConnector/user.config", Self.userConfig(Self.clean + [("UseTapiLine", "True")]))
        _ = try write("root/Users/bernd/AppData/Roaming/DatevConnector/user.config", "<configuration><userSettings>")
        _ = try write("root/\(app)/2.4.4.1/user.config", Self.userConfig(Self.clean + [("UseTapiLine", "True")]))
        _ = try write("root/\(app)/2.6.1.0/user.config", Self.userConfig(Self.clean))
        _ = try write("root/Users/dora/AppData/Local/Vendor/Other.exe_Url_abc/1.0/user.config", "not even XML")
        let result = try check(["--root", tmp.path("root"), "--version", "2.6.1"])
        // The malformed file is reported in its entry and the others are still checked.
        #expect(result.status == 65, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("(user bernd): not checked:"))
        #expect(result.stdout.contains("[config.malformed-xml]"))
        #expect(result.stdout.contains("(user anna): release 2.6.1 (--version): 2 finding(s)"))
        #expect(result.stdout.contains("4 file(s): 2 error(s), 2 warning(s), 1 not checked"))
        #expect(!result.stdout.contains("Other.exe"))
        // Without --version, the version folders tell the release; anna's UseTapiLine (since
        // 2.3.7.3) says at least 2.3.7.3, where it is a supported option.
        let folders = try check(["--root", tmp.path("root"), "--format", "json"])
        let document = try JSONSerialization.jsonObject(with: Data(folders.stdout.utf8)) as? [String: Any]
        let entries = document?["files"] as? [[String: Any]] ?? []
        let byPath = Dictionary(entries.map { (($0["path"] as? String ?? "").replacingOccurrences(of: tmp.path("root") + "/", with: ""), $0) }) { a, _ in a }
        #expect(byPath["\(app)/2.4.4.1/user.config"]?["release"] as? String == "2.4.4.1")
        let old = byPath["\(app)/2.4.4.1/user.config"]?["findings"] as? [[String: Any]] ?? []
        #expect(old.map { "\($0["severity"] ?? "") \($0["code"] ?? "")" } == ["warning config.tapi-line-enabled"])
        #expect(byPath["\(app)/2.6.1.0/user.config"]?["release"] as? String == "2.6.1.0")
        #expect(byPath["Users/anna/AppData/Roaming/DatevConnector/user.config"]?["release"] as? String == ">=2.3.7.3")
        #expect(folders.status == 65)
    }
}
