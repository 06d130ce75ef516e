import CTICore
import ReleaseCatalog
import Testing

@testable import ClientConfig

/// `--lang de` of config check and migrate: what ClientConfig tells people exists in German —
/// every kind of change, and the refusals a run meets per file.
@Suite struct GermanTextTests {
    let section = Fixture.section
    let other = "userSettings/SomeOther.Plugin.Properties.Settings"

    func change(_ steps: String) throws -> MigrationChange {
        try #require(try migrate(try Fixture.file(Fixture.crlfWithBOM), [try migration("1", "2", steps)]).changes.first)
    }

    @Test func everyKindOfChange() throws {
        #expect(try change(#"{"name": "d", "kind": "default", "setting": "CloseAfterCall", "value": "False"}"#).text.de
            == "\(section): CloseAfterCall hinzugefügt = \"False\" [1 → 2: d]")
        #expect(try change(#"{"name": "g", "kind": "remove", "setting": "UseTapiLine"}"#).text.de
            == "\(section): UseTapiLine entfernt (war \"True\") [1 → 2: g]")
        #expect(try change(#"{"name": "s", "kind": "set", "setting": "UseTapiLine", "value": "False"}"#).text.de
            == "\(section): UseTapiLine: \"True\" → \"False\" [1 → 2: s]")
        let renamed = try change(#"{"name": "r", "kind": "rename", "setting": "XmppPort", "to": "ChatPort"}"#)
        #expect(renamed.text.de.hasPrefix("\(section): XmppPort umbenannt in ChatPort (Wert \""))
        let moved = try change(#"{"name": "m", "kind": "move", "section": "\#(other)", "setting": "Colour", "toSection": "\#(section)"}"#)
        #expect(moved.text.de == "\(section): Colour verschoben aus \(other) (Wert \"Blue\") [1 → 2: m]")
        #expect(moved.text.en == moved.description)
    }

    /// Each refusal a file meets in a run: German, one line, naming what the English names.
    @Test func theRefusalsOfARun() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let set = try MigrationSet([try migration("1.0", "2.0", #"{"name": "s", "kind": "remove", "setting": "UseTapiLine"}"#)])
        let releases = try ["1.0", "2.0"].map(version)
        let onto = try migration("1", "2", #"{"name": "r", "kind": "rename", "setting": "XmppPort", "to": "SslPort"}"#)
        let nowhere = try migration("1", "2", #"{"name": "m", "kind": "move", "setting": "XmppPort", "toSection": "userSettings/Nowhere"}"#)
        let cases: [(body: () throws -> Void, parts: [String])] = [
            ({ _ = try set.plan(from: version("9"), to: version("2.0"), releases: releases) }, ["Version 9", "neuer als jede bekannte Version", "2.0"]),
            ({ _ = try set.plan(from: version("1.5"), to: version("2.0"), releases: releases) }, ["1.5 ist keine bekannte Version", "1.0, 2.0"]),
            ({ _ = try set.plan(from: version("1.0"), to: version("3.0"), releases: releases) }, ["3.0 ist keine bekannte Version"]),
            ({ _ = try set.plan(from: version("2.0"), to: version("1.0"), releases: releases) }, ["zurück von 2.0 auf 1.0"]),
            ({ _ = try MigrationSet([]).plan(from: version("1.0"), to: version("1.0"), releases: []) }, ["keine Versionen"]),
            ({ _ = try migrate(file, [onto]) }, ["Schritt 1 → 2: r", "SslPort", "\"443\""]),
            ({ _ = try migrate(file, [nowhere]) }, ["userSettings/Nowhere", "Abschnitt"]),
        ]
        for (body, parts) in cases {
            let error = try #require(refusal(body), "succeeded, expected a refusal with \(parts)")
            let german = try #require(error.german, "no German for \(error.message)")
            for part in parts { #expect(german.contains(part), "\(german) lacks \(part)") }
            #expect(german != error.message && !german.contains("\n"))
        }
    }

    /// The failure `body` throws, nil when it succeeds.
    func refusal(_ body: () throws -> Void) -> CTIFailure? {
        do {
            try body()
            return nil
        } catch {
            return error as? CTIFailure
        }
    }

    @Test func anUndeterminedReleaseAsksForTheOptionInGerman() throws {
        let check = ConfigCheck(product: try ProductSettings.load(product: "datev-connector", from: DatevConnectorMigrationTests.schemas))
        let entry = check.entry(path: "/nonexistent/user.config", version: nil, versionFolder: nil)
        #expect(entry.failure?.code == "file.not-found")
        #expect(entry.failure?.text.de == "/nonexistent/user.config: keine solche Datei; prüfen Sie den Pfad")
        // The reader's errors (line and column of malformed XML) have no German: the English stands.
        let malformed = check.entry(path: DatevConnectorMigrationTests.schemas + "/datev-connector/releases.json", version: nil, versionFolder: nil)
        #expect(malformed.failure?.code == "config.malformed-xml")
        #expect(malformed.failure?.text.de == malformed.failure?.message)
        let migration = try ConfigMigration(
            check: check, migrations: try MigrationSet.load(product: "datev-connector", from: DatevConnectorMigrationTests.schemas),
            releases: try ReleaseCatalog.load(product: "datev-connector", from: DatevConnectorMigrationTests.schemas).versionedReleases.compactMap(\.version),
            target: version("2.6"))
        let plain = try Fixture.file(Fixture.crlfWithBOM).applying([.remove(section: section, name: "UseTapiLine")])
        let tmp = try TemporaryDirectory()
        let path = tmp.path + "/user.config"
        try SafeFile.writeNew(plain.bytes, to: path)
        let error = try #require(refusal { _ = try migration.migrate(path: path, from: nil, versionFolder: nil) }, "the release was told")
        #expect(error.errorCode == .configReleaseUndetermined)
        #expect(error.german?.hasSuffix("geben Sie --from V an") == true, "\(error.german ?? "-")")
        // Named by a caller, the German is named too.
        #expect(error.naming("run 1").text.de.hasPrefix("run 1: \(path): die Version dieser Datei"))
        #expect(CTIFailure(error as any CTIError).german == error.german)
    }
}
