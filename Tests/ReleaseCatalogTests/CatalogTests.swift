import CTICore
import Foundation
import Signing
import Testing
@testable import ReleaseCatalog

enum Catalogs {
    static let directory: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { break }
        }
        return url.appendingPathComponent("config-schemas").path
    }()

    static let datev = try! ReleaseCatalog.load(product: "datev-connector", from: directory)
}

@Suite struct SeedFactTests {
    let catalog = Catalogs.datev

    /// Every row of the seed's download table, as (date, version, module, tested STARFACE, tested DATEV, zip).
    static let table: [(String, String?, Int, String?, String?, String)] = [
        ("04.07.2018", "2.0.8", 15, "6.0.2.11", nil, "DATEV_Connector_for_STARFACE_2.0.8.zip"),
        ("10.04.2017", "2.1.9", 17, "6.4.2", nil, "DATEV_Connector_for_STARFACE_2.1.9.zip"),
        ("23.11.2017", nil, 19, nil, nil, "DATEV_Connector_for_STARFACE_2.3.4.zip"),
        ("24.01.2018", "2.3.4", 20, "6.4.3.28", nil, "DATEV_Connector_for_STARFACE_2.3.4.zip"),
        ("16.04.2018", "2.3.5.1", 20, "6.4.3.34", nil, "DATEV_Connector_for_STARFACE_2.3.5.1.zip"),
        ("21.06.2018", "2.3.7.1", 21, "6.5.0.30 - 6.5.1.9", "9.25", "DATEV_Connector_for_STARFACE_2.3.7.1.zip"),
        ("02.11.2018", "2.3.7.3", 21, "6.5.0.30 - 6.6.0.*", "9.25", "DATEV_Connector_for_STARFACE_2.3.7.3.zip"),
        ("19.08.2019", "2.4.1", 21, "6.7.0.*", "9.25", "DATEV_Connector_for_STARFACE_2.4.1.zip"),
        ("21.08.2019", "2.4.2", 21, "6.7.0.*", "9.25", "DATEV_Connector_for_STARFACE_2.4.2.zip"),
        ("28.08.2019", "2.4.3", 21, "6.7.0.*", "9.25, 9.26", "DATEV_Connector_for_STARFACE_2.4.3.zip"),
        ("11.09.2019", "2.4.4.1", 21, "6.7.0.*", "9.25, 9.26, 10.11", "DATEVConnectorforSTARFACE_2.4.4.1.zip"),
        ("13.09.2019", "2.6", 21, "6.7.0.*", "10.11", "DATEVConnectorforSTARFACE_2.6.1.zip"),
        ("03.04.2020", "2.6.1", 22, "6.7.1.*", nil, "DATEVConnectorforSTARFACE_2.6.1.zip"),
    ]

    @Test func everyRowOfTheTableIsInTheCatalogAsPublished() {
        #expect(catalog.releases.count == Self.table.count)
        for (row, release) in zip(Self.table, catalog.releases) {
            #expect(release.sourceDate == row.0)
            #expect(release.version?.description == row.1)
            #expect(release.module == row.2)
            #expect(release.testedPBX?.description == row.3)
            #expect(release.testedDATEV?.description == row.4)
            #expect(release.zip == row.5)
        }
        #expect(catalog.releases[2].zipVersion == v("2.3.4"))
    }

    @Test func upgradeNotesAsTheReleaseNotesSayThem() {
        #expect(catalog.release(v("2.3.7.1"))?.upgradeSteps == [.reconfigurePerUser])
        #expect(catalog.release(v("2.4.1"))?.upgradeSteps == [.uninstallFirst, .reboot, .settingsKept])
        #expect(catalog.release(v("2.6"))?.upgradeSteps == [.uninstallFirst, .reboot, .settingsKept])
        #expect(catalog.release(v("2.6"))?.upgradeNotes.first == "Alte Windows-Software-Version muss zuvor deinstalliert werden.")
        #expect(catalog.release(v("2.3.5.1"))?.changelog.contains { $0.de == "Bugfix: Lizenzdateien wurden unberechtigt abgewiesen" } == true)
    }

    @Test func theFAQIncompatibility() throws {
        let verdict = try CompatibilityChecker(catalog: catalog).check(client: v("2.4.4.1"), pbx: v("6.6.0.12"))
        #expect(verdict.verdict == .incompatible)
        #expect(verdict.evidence[0].en == "2.4.4.1 is known not to work with STARFACE 6.6.0.* (FAQ).")
    }
}

@Suite struct CompatibilityTests {
    let checker = CompatibilityChecker(catalog: Catalogs.datev)

    @Test func verdictsAtTheEdgesOfTestedRanges() throws {
        #expect(try checker.check(client: v("2.3.7.1"), pbx: v("6.5.0.30")).verdict == .supported)
        #expect(try checker.check(client: v("2.3.7.1"), pbx: v("6.5.1.9")).verdict == .supported)
        #expect(try checker.check(client: v("2.3.7.1"), pbx: v("6.5.1.10")).verdict == .untested)
        #expect(try checker.check(client: v("2.3.7.3"), pbx: v("6.6.0.999")).verdict == .supported)
        #expect(try checker.check(client: v("2.6"), pbx: v("6.7.0.999")).verdict == .supported)
        #expect(try checker.check(client: v("2.6"), pbx: v("6.7.1.0")).verdict == .fixedInLaterRelease)
        #expect(try checker.check(client: v("2.6.1"), pbx: v("6.7.1.0")).verdict == .supported)
        #expect(try checker.check(client: v("2.6.1"), pbx: v("6.7.2")).verdict == .untested)
    }

    @Test func untestedSaysWhatIsTestedInstead() throws {
        let verdict = try checker.check(client: v("2.3.7.1"), pbx: v("6.5.1.10"))
        #expect(verdict.evidence.map(\.en) == ["STARFACE 6.5.1.10 is outside 6.5.0.30 - 6.5.1.9 tested for 2.3.7.1."])
        #expect(verdict.suggestions == ["2.3.7.3"])
        #expect(verdict.suggestion?.en == "Suggested: 2.3.7.3 (tested with STARFACE 6.5.1.10).")
        #expect(verdict.verdict.exitStatus == 2)
    }

    /// The changelogs of 2.4.1 and 2.6.1 restore compatibility: releases before them, on the
    /// versions they are tested with, get that quote and that release, not a bare "untested".
    @Test(arguments: [
        ("2.6", "6.7.1.3", "2.6.1", "Wiederherstellung der STARFACE Kompatibilität"),
        ("2.3.7.3", "6.7.0.5", "2.4.1", "Wiederherstellung der Kompatibilität mit STARFACE 6.7.0.*"),
        ("2.0.8", "6.7.0.5", "2.4.1", "Wiederherstellung der Kompatibilität mit STARFACE 6.7.0.*"),
        ("2.0.8", "6.7.1.3", "2.6.1", "Wiederherstellung der STARFACE Kompatibilität"),
    ])
    func aLaterReleaseRestoresCompatibility(client: String, pbx: String, restoring: String, quote: String) throws {
        let verdict = try checker.check(client: v(client), pbx: v(pbx))
        #expect(verdict.verdict == .fixedInLaterRelease)
        #expect(verdict.verdict.exitStatus == 2)
        #expect(verdict.suggestions == [restoring])
        #expect(verdict.decidedBy == "the changelog of \(restoring)")
        #expect(verdict.evidence.contains { $0.en.hasPrefix("\(restoring) restores compatibility with STARFACE") && $0.en.contains("“\(quote)”") })
        #expect(verdict.evidence.contains { $0.de.contains("„\(quote)“") })
        #expect(verdict.headline.en.hasPrefix("FIXED IN A LATER RELEASE: datev-connector \(client) with STARFACE \(pbx)"))
    }

    /// The verdict comes from the catalog's mark, not from the release numbers.
    @Test func withoutTheMarkItIsUntested() throws {
        func catalog(marked: Bool) throws -> ReleaseCatalog {
            let flag = marked ? #","restoresCompatibility":true"# : ""
            let json = #"{"product":"p","name":"P","releases":["#
                + #"{"version":"1.0","date":"2020-01-01","testedPBX":"6.7.0.*","upgrade":{"steps":[]}},"#
                + #"{"version":"1.1","date":"2020-02-01","testedPBX":"6.7.1.*","changelog":[{"de":"Wiederherstellung","en":"Restores"\#(flag)}],"upgrade":{"steps":[]}}"#
                + #"],"incompatibilities":[]}"#
            return try ReleaseCatalog(jsonBytes: Array(json.utf8), source: "r.json")
        }
        #expect(try CompatibilityChecker(catalog: catalog(marked: true)).check(client: v("1.0"), pbx: v("6.7.1.2")).verdict == .fixedInLaterRelease)
        #expect(try CompatibilityChecker(catalog: catalog(marked: false)).check(client: v("1.0"), pbx: v("6.7.1.2")).verdict == .untested)
        // Outside the restoring release's tested versions the mark does not apply.
        #expect(try CompatibilityChecker(catalog: catalog(marked: true)).check(client: v("1.0"), pbx: v("6.8")).verdict == .untested)
    }

    @Test func anIncompatibleVerdictSuggestsWhatIsTested() throws {
        let verdict = try checker.check(client: v("2.4.4.1"), pbx: v("6.6.0.12"))
        #expect(verdict.suggestions == ["2.3.7.3"])
        #expect(verdict.lines(\.en).last == "  Suggested: 2.3.7.3 (tested with STARFACE 6.6.0.12).")
        #expect(verdict.lines(\.de).last == "  Empfohlen: 2.3.7.3 (mit STARFACE 6.6.0.12 getestet).")
        let nothing = try checker.check(client: v("2.4.4.1"), pbx: v("6.6.0.12"), datev: v("11.0"))
        #expect(nothing.lines(\.en).last == "  No release is tested with STARFACE 6.6.0.12 and DATEV Arbeitsplatz 11.0.")
    }

    /// Every line of the text output exists in German and differs from the English one.
    @Test(arguments: [
        ("2.4.4.1", 21, "6.6.0.12", "9.25"), ("2.6", 21, "6.7.1.3", "10.11"), ("2.4.3", 21, "6.7.0.5", "9.26"),
        ("2.3.7.1", 20, "6.5.1.10", "10.11"), ("2.3.4", 20, "6.4.3.28", "9.25"),
    ])
    func everyLineIsTranslated(client: String, module: Int, pbx: String, datev: String) throws {
        let verdict = try checker.check(client: v(client), module: module, pbx: v(pbx), datev: v(datev))
        let (en, de) = (verdict.lines(\.en), verdict.lines(\.de))
        #expect(en.count == de.count && en.count >= 3)
        for (english, german) in zip(en, de) { #expect(english != german, "not translated: \(english)") }
    }

    @Test func datevAndModuleCount() throws {
        #expect(try checker.check(client: v("2.4.3"), pbx: v("6.7.0.5"), datev: v("9.26")).verdict == .supported)
        let newer = try checker.check(client: v("2.4.3"), pbx: v("6.7.0.5"), datev: v("10.11"))
        #expect(newer.verdict == .untested)
        #expect(newer.evidence.last?.en == "DATEV Arbeitsplatz 10.11 is not among 9.25, 9.26 tested for 2.4.3.")
        let module = try checker.check(client: v("2.6.1"), module: 21, pbx: v("6.7.1.1"))
        #expect(module.verdict == .untested)
        #expect(module.evidence.last?.en.hasPrefix("Module 21 is not the module of 2.6.1 (22)") == true)
    }

    @Test func anUnknownReleaseIsAnError() {
        #expect { _ = try checker.check(client: v("2.5"), pbx: v("6.7")) } throws: { ($0 as? CTIFailure)?.code == "compat.unknown-release" }
    }
}

@Suite struct UpgradePlanTests {
    let planner = UpgradePlanner(catalog: Catalogs.datev)

    @Test func stepsInTheOrderTheReleaseNotesRequire() throws {
        let plan = try planner.plan(from: v("2.3.7.3"), pbx: v("6.7.1.3"))
        #expect(plan.target == "2.6.1")
        // No step of its own for 2.6.1's new settings schema: no release note asks for one.
        #expect(plan.steps.map(\.action.en) == [
            "Uninstall the Windows app 2.3.7.3.", "Restart Windows.",
            "Install the Windows app 2.6.1 (DATEVConnectorforSTARFACE_2.6.1.zip) with administrator rights.",
            "Update the STARFACE module to version 22.",
        ])
        #expect(plan.steps[0].requiredBy == ["2.4.1", "2.6"])
        #expect(plan.notes.map(\.en) == ["Settings are kept (release notes of 2.4.1, 2.6)."])
    }

    /// 2.3.7.1 says "configure again", 2.4.1 and 2.6 say "settings are kept": both appear,
    /// each with the releases it comes from.
    @Test func crossing2371MeansReconfiguringAndSaysWhy() throws {
        let plan = try planner.plan(from: v("2.3.5.1"), pbx: v("6.7.0.2"), datev: v("10.11"))
        #expect(plan.target == "2.6")
        #expect(plan.steps.contains { $0.action.en == "Configure the Windows app again for every user." && $0.requiredBy == ["2.3.7.1"] })
        #expect(plan.notes.map(\.en) == [
            "The release notes of 2.4.1, 2.6 say the settings are kept; that does not cover 2.3.7.1, whose release notes require configuring every user again.",
        ])
    }

    @Test func aDowngradeCrossesTheSameReleaseNotesBackwards() throws {
        // 2.4.4.1 is known not to work with 6.6.0.*: the newest release for it is 2.3.7.3.
        let plan = try planner.plan(from: v("2.4.4.1"), pbx: v("6.6.0.5"))
        #expect(plan.target == "2.3.7.3")
        #expect(plan.summary.en.hasPrefix("Downgrade 2.4.4.1 → 2.3.7.3"))
        #expect(plan.steps.map(\.text.en) == [
            "Uninstall the Windows app 2.4.4.1. (required by 2.4.1)", "Restart Windows. (required by 2.4.1)",
            "Install the Windows app 2.3.7.3 (DATEV_Connector_for_STARFACE_2.3.7.3.zip) with administrator rights.",
        ])
    }

    /// Whatever the way, a step or note comes from a release note (or the download table's
    /// module) of a release on it, and every line exists in German.
    @Test func everyPlanNamesItsSourcesAndIsTranslated() throws {
        let releases = Catalogs.datev.versionedReleases.map { $0.version! }
        for from in releases {
            for pbx in ["6.0.2.11", "6.4.3.30", "6.5.1.0", "6.6.0.5", "6.7.0.3", "6.7.1.3", "6.8"] {
                let plan = try planner.plan(from: from, pbx: v(pbx))
                for step in plan.steps where !step.action.en.hasPrefix("Install the Windows app") {
                    #expect(!step.requiredBy.isEmpty, "\(from) on \(pbx): \(step.action.en) names no release")
                }
                // Without an advisor of the settings, nothing here knows a command.
                #expect(!plan.lines(\.en).joined().contains("ctictl"), "\(from) on \(pbx): a plan names no ctictl command")
                for (english, german) in zip(plan.lines(\.en), plan.lines(\.de)) { #expect(english != german, "not translated: \(english)") }
            }
        }
    }

    /// The settings step comes from the advisor (ClientConfig's migrations in ctictl), asked
    /// for the way from the installed release to the target, on upgrades only; its failure is
    /// the plan's.
    @Test func theSettingsStepComesFromTheAdvisor() throws {
        struct Advisor: SettingsMigrationAdvisor {
            func migration(from: Version, to: Version) throws(CTIFailure) -> SettingsMigration? {
                guard from.description != "2.4.1" else { throw CTIFailure(.init("config.migration-chain-broken", .malformedInput), "broken") }
                return SettingsMigration(commands: ["migrate \(from) \(to)"], changes: [LocalizedText(en: "X: removed", de: "X: entfernt")],
                                         legend: nil, releases: ["2.6"])
            }
        }
        let planner = UpgradePlanner(catalog: Catalogs.datev, settings: Advisor())
        let plan = try planner.plan(from: v("2.3.7.3"), pbx: v("6.7.1.3"))
        let step = try #require(plan.steps.last)
        #expect(step.text.en == "Migrate every user's settings before they start 2.6.1; check first with --dry-run. (required by 2.6)")
        #expect(plan.lines(\.de).suffix(3) == ["       migrate 2.3.7.3 2.6.1", "       X: entfernt", "  Hinweis: Die Programm-Einstellungen bleiben erhalten (Versionshinweise zu 2.4.1, 2.6)."])
        #expect(try planner.plan(from: v("2.4.4.1"), pbx: v("6.6.0.5")).steps.allSatisfy { $0.settings == nil })
        #expect { _ = try planner.plan(from: v("2.4.1"), pbx: v("6.7.1.3")) } throws: { ($0 as? CTIFailure)?.message == "broken" }
    }

    @Test func nothingToDoAndNothingPossible() throws {
        #expect(try planner.plan(from: v("2.6.1"), pbx: v("6.7.1.5")).steps.isEmpty)
        let none = try planner.plan(from: v("2.4.4.1"), pbx: v("6.8"))
        #expect(none.target == nil)
        #expect(none.summary.en == "No release of DATEV Connector for STARFACE is tested with STARFACE 6.8.")
        #expect(none.summary.de == "Keine Version von DATEV Connector for STARFACE ist mit STARFACE 6.8 getestet.")
    }
}

@Suite struct MatrixTests {
    @Test func theTextTableInGerman() {
        let matrix = CompatibilityMatrix(catalog: Catalogs.datev)
        let german = matrix.text(\.de).split(separator: "\n").map(String.init)
        #expect(german[0].split(separator: " ", omittingEmptySubsequences: true).prefix(4) == ["Version", "Modul", "Datum", "Getestet"])
        #expect(german.contains { $0.hasPrefix("(Zip 2.3.4, keine Produktversion)") })
        #expect(matrix.text(\.en).hasPrefix("Release "))
    }
}

@Suite struct LintTests {
    @Test func theSeedsOdditiesAreReportedNotFixed() {
        let codes = CatalogLinter.lint(Catalogs.datev).map(\.code)
        #expect(codes.filter { $0 == "catalog.missing-product-version" }.count == 1)
        #expect(codes.filter { $0 == "catalog.date-order" }.count == 1)
        #expect(codes.filter { $0 == "catalog.zip-version-mismatch" }.count == 1)
        #expect(codes.filter { $0 == "catalog.duplicate-zip" }.count == 2)
        let dateOrder = CatalogLinter.lint(Catalogs.datev).first { $0.code == "catalog.date-order" }
        #expect(dateOrder?.message.en.hasPrefix("2.0.8 is dated 04.07.2018, out of order with 2.1.9 (10.04.2017)") == true)
    }
}

@Suite struct CatalogErrorTests {
    func error(_ json: String) -> String? {
        do {
            _ = try ReleaseCatalog(jsonBytes: Array(json.utf8), source: "r.json")
            return nil
        } catch let error as CTIError {
            return error.message
        } catch {
            return "not a CTIError: \(error)"
        }
    }

    let valid = #"{"product":"p","name":"P","releases":[{"version":"1.0","date":"2020-01-01","testedPBX":"6.7.0.*","upgrade":{"steps":[]}}],"incompatibilities":[]}"#

    @Test func aValidMinimalCatalogLoads() throws {
        #expect(error(valid) == nil)
    }

    @Test func errorsNameThePathAndPosition() {
        #expect(error(valid.replacingOccurrences(of: #""6.7.0.*""#, with: #""6.7.x.*""#))
            == "r.json: releases[0].testedPBX is not a version range: unexpected 'x'; a version is numbers separated by dots, like 6.5.0.30 at position 4 in \"6.7.x.*\"")
        #expect(error(valid.replacingOccurrences(of: #""2020-01-01""#, with: #""01.01.2020""#)) == "r.json: releases[0].date \"01.01.2020\" is not a date YYYY-MM-DD")
        #expect(error(valid.replacingOccurrences(of: #""steps":[]"#, with: #""steps":["pray"]"#))?.hasPrefix("r.json: releases[0].upgrade.steps has unknown step \"pray\"") == true)
        #expect(error(valid.replacingOccurrences(of: #""version":"1.0""#, with: #""version":"1..0""#))?.contains("releases[0].version is not a version") == true)
        #expect(error("{")?.hasPrefix("r.json: the catalog is not valid JSON") == true)
        #expect(error(#"{"name":"x","releases":[],"incompatibilities":[]}"#) == "r.json: product is missing")
    }

    @Test func aRestoringReleaseNeedsTheVersionsItRestores() {
        let marked = valid.replacingOccurrences(of: #""upgrade""#, with: #""changelog":[{"de":"W","en":"R","restoresCompatibility":true}],"upgrade""#)
        #expect(error(marked) == nil)
        #expect(error(marked.replacingOccurrences(of: #""testedPBX":"6.7.0.*","#, with: ""))
            == "r.json: releases[0].changelog[0].restoresCompatibility needs releases[0].testedPBX: the versions compatibility is restored for")
        #expect(error(marked.replacingOccurrences(of: "true", with: #""yes""#)) == "r.json: releases[0].changelog[0].restoresCompatibility must be true or false")
    }

    @Test func aSignedCatalogVerifiesAndATamperedOneDoesNot() throws {
        let key = PrivateSigningKey.generate(.eddsa)
        let keyring = Keyring(keys: [JWK(kid: "k", key: key.publicKey)])
        let json = Array(valid.utf8)
        let signed = try SignedCatalog.sign(catalogJSON: json, source: "r.json", key: key, kid: "k")
        let verified = try SignedCatalog.verify(Array(signed.utf8), keyring: keyring, source: "s")
        #expect(verified.json == json)
        #expect(verified.catalog.product == "p")
        let other = Keyring(keys: [JWK(kid: "k", key: PrivateSigningKey.generate(.eddsa).publicKey)])
        #expect { _ = try SignedCatalog.verify(Array(signed.utf8), keyring: other, source: "s") } throws: { ($0 as? CTIFailure)?.code == "jws.signature-invalid" }
    }
}

@Suite struct CompatibilityPageTests {
    @Test func docsCompatibilityIsUpToDate() throws {
        let root = URL(fileURLWithPath: Catalogs.directory).deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("docs/compatibility.md"), encoding: .utf8)
        let expected = CompatibilityPage.render(try CompatibilityPage.catalogs(in: Catalogs.directory))
        #expect(page == expected, "docs/compatibility.md is out of date: run `ctictl compat matrix --all --format markdown > docs/compatibility.md`")
    }
}
