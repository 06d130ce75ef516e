import Foundation
import Testing

/// `ctictl config migrate`, `config history` and `config rollback` run as a user runs them,
/// on user.config files and a config history written here.
@Suite struct ConfigMigrateCLITests {
    let tmp: TemporaryDirectory
    let schemas = CLI.packageRoot.appendingPathComponent("config-schemas").path

    init() throws { tmp = try TemporaryDirectory("config-migrate") }

    var historyPath: String { tmp.path("history.sqlite") }

    func write(_ relative: String, _ text: String) throws -> String {
        let path = tmp.path(relative)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    func config(_ arguments: [String]) throws -> CLI.Result {
        try CLI.run(["config"] + arguments)
    }

    func migrate(_ arguments: [String]) throws -> CLI.Result {
        try config(["migrate", "--product", "datev-connector", "--catalog-dir", schemas, "--to", "2.6", "--history", historyPath] + arguments)
    }

    /// A 2.4.4.1-era file with the stale UseTapiLine=True of the FAQ.
    static let old = ConfigCheckCLITests.userConfig(ConfigCheckCLITests.clean + [("UseTapiLine", "True")])
    static let migrated = ConfigCheckCLITests.userConfig(ConfigCheckCLITests.clean)

    @Test func theFAQCaseIsMigratedOnceWithABackupAndHistory() throws {
        let file = try write("user.config", Self.old)
        let original = try bytes(file)

        let dry = try migrate([file, "--from", "2.4.4.1", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout.contains("would migrate 2.4.4.1 (--from) → 2.6, 1 change(s); nothing written"))
        #expect(dry.stdout.contains("userSettings/DatevConnector.Properties.Settings: removed UseTapiLine (was \"True\") [2.4.4.1 → 2.6: remove-use-tapi-line]"))
        #expect(try bytes(file) == original)
        #expect(!FileManager.default.fileExists(atPath: file + ".bak"))
        #expect(!FileManager.default.fileExists(atPath: historyPath))

        let real = try migrate([file, "--from", "2.4.4.1"])
        #expect(real.status == 0, "\(real.stdout)\(real.stderr)")
        #expect(real.stdout.contains("migrated 2.4.4.1 (--from) → 2.6, 1 change(s); backup \(file).bak, history version 2"))
        #expect(try bytes(file + ".bak") == original)
        #expect(try bytes(file) == Data(Self.migrated.utf8))

        // Again, without --from: the migrated file says nothing of its release, but the history
        // knows the release it wrote this very content for.
        let again = try migrate([file, "--format", "json"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any]
        #expect(document?["schema"] as? String == "ctictl.config-migrate/1")
        let entry = (document?["files"] as? [[String: Any]])?.first
        #expect(entry?["outcome"] as? String == "unchanged")
        #expect(entry?["fromSource"] as? String == "config history", "\(again.stdout)")
        #expect(try bytes(file) == Data(Self.migrated.utf8))

        // The check of the migrated file on 2.6 has no TAPI finding any more; the release comes
        // from the history here too.
        let check = try config(["check", file, "--product", "datev-connector", "--catalog-dir", schemas, "--history", historyPath])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.contains("release 2.6 (config history)"), "\(check.stdout)")
        #expect(!check.stdout.contains("tapi"))
        // Changed by hand since, the content is no longer the one the history wrote.
        try Data((Self.migrated + "<!-- edited -->\n").utf8).write(to: URL(fileURLWithPath: file))
        let edited = try config(["check", file, "--product", "datev-connector", "--catalog-dir", schemas, "--history", historyPath])
        #expect(edited.status == 64, "\(edited.stdout)\(edited.stderr)")
        try Data(Self.migrated.utf8).write(to: URL(fileURLWithPath: file))

        let history = try config(["history", file, "--history", historyPath])
        #expect(history.status == 0, "\(history.stdout)\(history.stderr)")
        let rows = history.stdout.split(separator: "\n").dropFirst()
        #expect(rows.count == 2, "\(history.stdout)")
        #expect(rows.last?.contains("config migrate") == true && rows.last?.contains("migrate from 2.4.4.1 to 2.6") == true)

        let rollback = try config(["rollback", file, "--history", historyPath])
        #expect(rollback.status == 0, "\(rollback.stdout)\(rollback.stderr)")
        #expect(rollback.stdout.contains("restored version 1"))
        #expect(rollback.stdout.contains("recorded as version 3"))
        #expect(try bytes(file) == original)
        let after = try config(["history", file, "--history", historyPath, "--format", "json"])
        let versions = (try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])?["versions"] as? [[String: Any]]
        #expect(versions?.count == 3)
        #expect(versions?.last?["command"] as? String == "config rollback")
    }

    @Test func aTooNewConfigIsRefusedAndLeftAsItIs() throws {
        let file = try write("new/user.config", Self.old)
        let original = try bytes(file)
        let result = try migrate([file, "--from", "9.0"])
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("not migrated: the config is from release 9.0, newer than every known release"))
        #expect(result.stdout.contains("[config.version-too-new]"))
        #expect(try bytes(file) == original)
        #expect(!FileManager.default.fileExists(atPath: file + ".bak"))
    }

    @Test func aRootTreeMigratesEveryUserAndReportsTheBadFile() throws {
        let app = "Users/carla/AppData/Local/STARFACE/DatevConnector.exe_Url_k3jd0ss1xq2gz0kfmdl5vw0c1gt0sgkf"
        let anna = try write("root/Users/anna/AppData/Roaming/DatevConnector/user.config", Self.old)
        let bernd = try write("root/Users/bernd/AppData/Roaming/DatevConnector/user.config", "<configuration><userSettings>")
        let carla = try write("root/\(app)/2.4.4.1/user.config", Self.old)
        let dora = try write("root/Users/dora/AppData/Roaming/DatevConnector/user.config", Self.migrated)
        let result = try migrate(["--root", tmp.path("root"), "--format", "json"])
        #expect(result.status == 65, "\(result.stdout)\(result.stderr)")
        let entries = ((try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])?["files"] as? [[String: Any]]) ?? []
        let byUser = Dictionary(entries.map { ($0["user"] as? String ?? "", $0) }) { a, _ in a }
        #expect(entries.count == 4)
        #expect(byUser["anna"]?["outcome"] as? String == "migrated")
        #expect(byUser["anna"]?["fromSource"] as? String == "settings present")
        #expect(byUser["carla"]?["outcome"] as? String == "migrated")
        #expect(byUser["carla"]?["from"] as? String == "2.4.4.1")
        #expect((byUser["bernd"]?["failure"] as? [String: Any])?["code"] as? String == "config.malformed-xml")
        // No release can be told for a file with only settings every release has.
        let undetermined = byUser["dora"]?["failure"] as? [String: Any]
        #expect(undetermined?["code"] as? String == "config.release-undetermined")
        #expect((undetermined?["message"] as? String)?.hasSuffix("pass --from V") == true)
        #expect(try bytes(anna) == Data(Self.migrated.utf8))
        #expect(try bytes(carla) == Data(Self.migrated.utf8))
        #expect(try bytes(bernd) == Data("<configuration><userSettings>".utf8))
        #expect(try bytes(dora) == Data(Self.migrated.utf8))

        let text = try migrate(["--root", tmp.path("root"), "--from", "2.4.4.1"])
        #expect(text.status == 65, "\(text.stdout)\(text.stderr)")
        #expect(text.stdout.contains("4 file(s): 0 migrated, 3 unchanged, 1 not migrated"))
    }

    /// `--lang de`: every line of a run under --root — the outcomes, the changes, the refusal
    /// of a file whose release cannot be told, the skipped link, the summary — and the error
    /// lines of migrate, check, history and rollback.
    @Test func germanWhenAsked() throws {
        let anna = try write("de/Users/anna/AppData/Roaming/DatevConnector/user.config", Self.old)
        _ = try write("de/Users/dora/AppData/Roaming/DatevConnector/user.config", Self.migrated)
        try FileManager.default.createDirectory(atPath: tmp.path("de/Users/fritz/AppData/Roaming"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: tmp.path("de/Users/fritz/AppData/Roaming/DatevConnector"), withDestinationPath: "/tmp")
        let root = tmp.path("de")
        let dry = try migrate(["--root", root, "--dry-run", "--lang", "de"])
        #expect(dry.status == 64, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout.split(separator: "\n").map(String.init) == [
            "\(anna) (Benutzer anna): würde migriert: 2.3.7.3 (vorhandene Einstellungen) → 2.6, 1 Änderung(en); nichts geschrieben",
            "  userSettings/DatevConnector.Properties.Settings: UseTapiLine entfernt (war \"True\") [2.4.3 → 2.4.4.1: switch-off-tapi-line; 2.4.4.1 → 2.6: remove-use-tapi-line]",
            "\(root)/Users/dora/AppData/Roaming/DatevConnector/user.config (Benutzer dora): nicht migriert: \(root)/Users/dora/AppData/Roaming/DatevConnector/user.config: die Version dieser Datei ist nicht zu erkennen (kein Versionsordner, keine Einstellung, die nur manche Versionen haben); geben Sie --from V an [config.release-undetermined]",
            "2 Datei(en): 1 zu migrieren, 0 unverändert, 1 nicht migriert",
        ])
        #expect(dry.stderr == "ctictl: übersprungen \(root)/Users/fritz/AppData/Roaming/DatevConnector: ein symbolischer Link, der aus dem Wurzelordner hinausführt; nicht verfolgt\n")

        let real = try migrate([anna, "--lang", "de"])
        #expect(real.status == 0, "\(real.stdout)\(real.stderr)")
        #expect(real.stdout.contains(": migriert: 2.3.7.3 (vorhandene Einstellungen) → 2.6, 1 Änderung(en); Sicherung \(anna).bak, Version 2 in der Historie"))
        #expect(real.stdout.contains("1 Datei(en): 1 migriert, 0 unverändert, 0 nicht migriert"))
        let again = try migrate([anna, "--lang", "de"])
        #expect(again.stdout.contains(": unverändert, schon auf 2.6 (von 2.6 (Konfigurationshistorie) → 2.6)"), "\(again.stdout)")

        let unknown = try migrate([anna, "--to", "2.7", "--lang", "de"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.hasPrefix("ctictl: Fehler: 2.7 ist keine bekannte Version, auf die migriert werden kann (bekannt: "), "\(unknown.stderr)")
        let check = try config(["check", tmp.path("de/none.config"), "tmp/x.config", "--product", "datev-connector", "--catalog-dir", schemas, "--lang", "de"])
        #expect(check.stdout.contains(": nicht geprüft: "), "\(check.stdout)")
        #expect(check.stdout.contains("2 Datei(en): 0 Fehler, 0 Warnung(en), 2 nicht geprüft"), "\(check.stdout)")

        let history = try config(["history", anna, "--history", historyPath, "--lang", "de"])
        #expect(history.stdout.hasPrefix("VERSION  AUFGEZEICHNET"), "\(history.stdout)")
        let rollback = try config(["rollback", anna, "--history", historyPath, "--lang", "de"])
        #expect(rollback.status == 0, "\(rollback.stdout)\(rollback.stderr)")
        #expect(rollback.stdout.hasPrefix("\(anna): Version 1 wiederhergestellt (sha256 "), "\(rollback.stdout)")
        #expect(rollback.stdout.hasSuffix("; Sicherung \(anna).bak, aufgezeichnet als Version 3\n"))
        let missing = try config(["rollback", anna, "--to", "9", "--history", historyPath, "--lang", "de"])
        #expect(missing.status == 64)
        #expect(missing.stderr.contains("ctictl: Fehler: \(anna): keine Version 9 in der Historie"), "\(missing.stderr)")
        let none = try config(["rollback", tmp.path("de/other.config"), "--history", historyPath, "--lang", "de"])
        #expect(none.stderr.contains("keine vor der neuesten"), "\(none.stderr)")
    }

    @Test func anUnknownTargetIsAUsageErrorBeforeAnyFile() throws {
        let file = try write("target/user.config", Self.old)
        let result = try migrate([file, "--from", "2.4.4.1", "--to", "2.7"])
        #expect(result.status == 64, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("2.7 is not a known release to migrate to"))
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: historyPath))
    }

    @Test func aTamperedHistoryRefusesTheRollback() throws {
        let file = try write("tampered/user.config", Self.old)
        #expect(try migrate([file, "--from", "2.4.4.1"]).status == 0)
        let migratedBytes = try bytes(file)
        let sqlite = try Process.runCapturing("/usr/bin/env", ["sqlite3", historyPath, "UPDATE config_versions SET content = X'3C782F3E' WHERE version = 1"])
        #expect(sqlite.status == 0, "\(sqlite.stderr)")
        let result = try config(["rollback", file, "--to", "1", "--history", historyPath])
        #expect(result.status == 65, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.contains("[history.tampered]"))
        #expect(try bytes(file) == migratedBytes)
        let history = try config(["history", file, "--history", historyPath])
        #expect(history.stdout.contains("TAMPERED"))
    }
}
