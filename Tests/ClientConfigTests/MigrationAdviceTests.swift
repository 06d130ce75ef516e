import CTICore
import ReleaseCatalog
import Testing

@testable import ClientConfig

/// `compat plan`'s settings step: the upgrade planner with the real datev-connector catalog
/// and migrations.
@Suite struct MigrationAdviceTests {
    let catalog = try! ReleaseCatalog.load(product: "datev-connector", from: DatevConnectorMigrationTests.schemas)

    func advice(root: String? = nil, catalogDirectory: String? = nil) throws -> MigrationAdvice {
        MigrationAdvice(
            product: "datev-connector", migrations: try MigrationSet.load(product: "datev-connector", from: DatevConnectorMigrationTests.schemas),
            releases: catalog.versionedReleases.compactMap(\.version), root: root, catalogDirectory: catalogDirectory)
    }

    func plan(_ from: String, pbx: String, datev: String? = nil, advice: MigrationAdvice? = nil) throws -> UpgradePlan {
        try UpgradePlanner(catalog: catalog, settings: try advice ?? self.advice()).plan(
            from: version(from), pbx: version(pbx), datev: try datev.map(version))
    }

    @Test func theStepNamesTheCommandForThePathAndWhatChanges() throws {
        let plan = try plan("2.3.7.3", pbx: "6.7.1.3")
        #expect(plan.target == "2.6.1")
        #expect(plan.steps.map(\.action.en).last == "Migrate every user's settings before they start 2.6.1; check first with --dry-run.")
        let step = try #require(plan.steps.last)
        // The migrations crossed are 2.4.3 → 2.4.4.1 and 2.4.4.1 → 2.6; 2.3.7.1 → 2.3.7.3 ends where the path starts.
        #expect(step.requiredBy == ["2.4.4.1", "2.6"])
        let command = "ctictl config migrate --root PROFILES --product datev-connector --from 2.3.7.3 --to 2.6.1"
        #expect(step.settings?.commands == [command + " --dry-run", command])
        #expect(step.settings?.changes == [LocalizedText(en: "UseTapiLine: set to \"False\" (2.4.4.1), removed (2.6)", de: "UseTapiLine: auf \"False\" gesetzt (2.4.4.1), entfernt (2.6)")])
        #expect(plan.lines(\.en) == [
            "Upgrade 2.3.7.3 → 2.6.1, the newest release tested with STARFACE 6.7.1.3.",
            "  1. Uninstall the Windows app 2.3.7.3. (required by 2.4.1, 2.6)",
            "  2. Restart Windows. (required by 2.4.1, 2.6)",
            "  3. Install the Windows app 2.6.1 (DATEVConnectorforSTARFACE_2.6.1.zip) with administrator rights.",
            "  4. Update the STARFACE module to version 22. (required by 2.6.1)",
            "  5. Migrate every user's settings before they start 2.6.1; check first with --dry-run. (required by 2.4.4.1, 2.6)",
            "       \(command) --dry-run",
            "       \(command)",
            "       UseTapiLine: set to \"False\" (2.4.4.1), removed (2.6)",
            "       PROFILES: the folder of the users' profiles, copied or mounted (see config migrate --root).",
            "  note: Settings are kept (release notes of 2.4.1, 2.6).",
        ])
        // Every line a person reads is German too; the commands stay as they are typed.
        for (english, german) in zip(plan.lines(\.en), plan.lines(\.de)) where !english.contains("ctictl config migrate") {
            #expect(english != german, "not translated: \(english)")
        }
    }

    /// The step tells the commands the path needs, nothing more: the command it names, run on
    /// a file of the installed release, does exactly what the step says.
    @Test func theCommandMatchesTheMigrationItNames() throws {
        let plan = try plan("2.3.5.1", pbx: "6.7.0.2", datev: "10.11")
        #expect(plan.target == "2.6")
        let step = try #require(plan.steps.first { $0.settings != nil })
        #expect(step.settings?.commands.last == "ctictl config migrate --root PROFILES --product datev-connector --from 2.3.5.1 --to 2.6")
        #expect(step.requiredBy == ["2.3.7.3", "2.4.4.1", "2.6"])
        #expect(step.settings?.changes.map(\.en) == [
            "UseTapiLine: added as \"False\" where missing (2.3.7.3), set to \"False\" (2.4.4.1), removed (2.6)"
        ])
        // Before the release notes' "configure again": the users then start the migrated settings.
        let order = plan.steps.map(\.action.en)
        let migrate = try #require(order.firstIndex { $0.hasPrefix("Migrate every user's settings") })
        let again = try #require(order.firstIndex(of: "Configure the Windows app again for every user."))
        #expect(migrate < again)
    }

    @Test func noStepWhereNoSettingChanges() throws {
        // 2.6 → 2.6.1 crosses no migration; a downgrade never gets one (migrations go forward).
        let none = try plan("2.6", pbx: "6.7.1.3")
        #expect(none.target == "2.6.1")
        #expect(none.steps.allSatisfy { $0.settings == nil })
        let downgrade = try plan("2.4.4.1", pbx: "6.6.0.5")
        #expect(downgrade.target == "2.3.7.3")
        #expect(downgrade.steps.allSatisfy { $0.settings == nil })
        #expect(try advice().migration(from: version("2.6"), to: version("2.6.1")) == nil)
    }

    @Test func aGivenRootAndCatalogFolderAreInTheCommandAsShellWords() throws {
        let step = try #require(try advice(root: "/mnt/ts01/Users", catalogDirectory: "/srv/ctictl schemas/it's").migration(from: version("2.4.4.1"), to: version("2.6")))
        #expect(step.commands.last == "ctictl config migrate --root /mnt/ts01/Users --product datev-connector --catalog-dir '/srv/ctictl schemas/it'\\''s' --from 2.4.4.1 --to 2.6")
        #expect(step.legend == nil)
        #expect(step.changes.map(\.en) == ["UseTapiLine: removed (2.6)"])
        #expect(MigrationAdvice.shellWord("") == "''")
        #expect(MigrationAdvice.shellWord("a;rm -rf b") == "'a;rm -rf b'")
    }

    @Test func everyStepKindIsDescribed() throws {
        let steps = """
            {"name": "r", "kind": "rename", "setting": "A", "to": "B"},
            {"name": "s", "kind": "set", "setting": "C", "value": "1", "ifEquals": "0"},
            {"name": "m", "kind": "move", "setting": "D", "toSection": "applicationSettings/X"},
            {"name": "d", "kind": "default", "setting": "E", "value": "x"},
            {"name": "s2", "kind": "set", "setting": "A", "value": "2"}
            """
        let plan = try MigrationSet([try migration("1.0", "2.0", steps)]).plan(from: version("1.0"), to: version("2.0"), releases: [])
        #expect(MigrationAdvice.changes(plan) == [
            LocalizedText(en: "A: renamed to B (2.0), set to \"2\" (2.0)", de: "A: umbenannt in B (2.0), auf \"2\" gesetzt (2.0)"),
            LocalizedText(en: "C: set to \"1\" where it is \"0\" (2.0)", de: "C: auf \"1\" gesetzt, wo es \"0\" ist (2.0)"),
            LocalizedText(en: "D: moved to applicationSettings/X (2.0)", de: "D: verschoben nach applicationSettings/X (2.0)"),
            LocalizedText(en: "E: added as \"x\" where missing (2.0)", de: "E: als \"x\" ergänzt, wo es fehlt (2.0)"),
        ])
    }
}
