import Foundation
import Testing

/// `compat plan`'s settings step, as a user follows it: the command the plan names is run as
/// printed, on a profile tree of the installed release, and does what the step says.
@Suite struct CompatPlanCLITests {
    let tmp: TemporaryDirectory
    let schemas = CLI.packageRoot.appendingPathComponent("config-schemas").path

    init() throws { tmp = try TemporaryDirectory("compat-plan") }

    func plan(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["compat", "plan", "--product", "datev-connector", "--catalog-dir", schemas] + arguments)
    }

    @Test func theSettingsStepsCommandMigratesTheProfiles() throws {
        let root = tmp.path("profiles")
        let file = root + "/Users/anna/AppData/Roaming/DatevConnector/user.config"
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        // A 2.3.7.3 user with the stale UseTapiLine=True of the FAQ.
        try Data(ConfigMigrateCLITests.old.utf8).write(to: URL(fileURLWithPath: file))

        let result = try plan(["--from", "2.3.7.3", "--pbx", "6.7.1.3", "--root", root, "--format", "json"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(document?["schema"] as? String == "ctictl.compat-plan/1")
        let steps = document?["steps"] as? [[String: Any]] ?? []
        let step = try #require(steps.first { $0["settings"] != nil }, "\(result.stdout)")
        #expect(step["requiredBy"] as? [String] == ["2.4.4.1", "2.6"])
        let settings = step["settings"] as? [String: Any]
        let commands = settings?["commands"] as? [String] ?? []
        let command = "ctictl config migrate --root \(root) --product datev-connector --catalog-dir \(schemas) --from 2.3.7.3 --to 2.6.1"
        #expect(commands == [command + " --dry-run", command])
        #expect((settings?["changes"] as? [[String: String]])?.first?["de"] == "UseTapiLine: auf \"False\" gesetzt (2.4.4.1), entfernt (2.6)")
        #expect(settings?["legend"] == nil)

        // Run as printed, by a shell, with ctictl on the PATH.
        let environment = [
            "PATH": URL(fileURLWithPath: CLI.executable).deletingLastPathComponent().path + ":/usr/bin:/bin",
            "CTICTL_CONFIG_HISTORY": tmp.path("history.sqlite"),
        ]
        let original = try Data(contentsOf: URL(fileURLWithPath: file))
        let dry = try Process.runCapturing("/bin/bash", ["-c", commands[0]], environment: environment)
        #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout.contains("removed UseTapiLine (was \"True\")"), "\(dry.stdout)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == original)
        let real = try Process.runCapturing("/bin/bash", ["-c", commands[1]], environment: environment)
        #expect(real.status == 0, "\(real.stdout)\(real.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: file)) == Data(ConfigMigrateCLITests.migrated.utf8))
        #expect(try Data(contentsOf: URL(fileURLWithPath: file + ".bak")) == original)
    }

    @Test func theTextInGermanWithThePlaceholder() throws {
        let result = try plan(["--from", "2.4.4.1", "--pbx", "6.7.1.3", "--lang", "de"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let command = "ctictl config migrate --root PROFILES --product datev-connector --catalog-dir \(schemas) --from 2.4.4.1 --to 2.6.1"
        #expect(lines.contains { $0.hasSuffix(". Migrieren Sie die Einstellungen aller Benutzer, bevor sie 2.6.1 starten; prüfen Sie zuerst mit --dry-run. (verlangt von 2.6)") }, "\(result.stdout)")
        #expect(lines.contains("       \(command) --dry-run"))
        #expect(lines.contains("       UseTapiLine: entfernt (2.6)"))
        #expect(lines.contains("       PROFILES: der Ordner der Benutzerprofile, kopiert oder eingehängt (siehe config migrate --root)."))
    }
}
