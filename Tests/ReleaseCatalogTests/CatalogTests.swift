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
        #expect(try checker.check(client: v("2.6"), pbx: v("6.7.1.0")).verdict == .untested)
        #expect(try checker.check(client: v("2.6.1"), pbx: v("6.7.1.0")).verdict == .supported)
    }

    @Test func evidenceSaysWhatIsTestedInstead() throws {
        let verdict = try checker.check(client: v("2.6"), pbx: v("6.7.1.3"))
        #expect(verdict.evidence[0].en == "STARFACE 6.7.1.3 is outside 6.7.0.* tested for 2.6; 2.6.1 is tested with 6.7.1.*.")
        #expect(verdict.suggestions == ["2.6.1"])
        #expect(verdict.verdict.exitStatus == 2)
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
        #expect { _ = try checker.check(client: v("2.5"), pbx: v("6.7")) } throws: { ($0 as? CatalogError)?.code == "compat.unknown-release" }
    }
}

@Suite struct UpgradePlanTests {
    let planner = UpgradePlanner(catalog: Catalogs.datev)

    @Test func stepsInTheOrderTheReleaseNotesRequire() throws {
        let plan = try planner.plan(from: v("2.3.7.3"), pbx: v("6.7.1.3"))
        #expect(plan.target == "2.6.1")
        #expect(plan.steps.map(\.action.en) == [
            "Uninstall the Windows app 2.3.7.3.", "Restart Windows.",
            "Install the Windows app 2.6.1 (DATEVConnectorforSTARFACE_2.6.1.zip) with administrator rights.",
            "Update the STARFACE module to version 22.",
            "Migrate every user's settings from schema 2.3.7.3 to 2.6 (`ctictl config migrate --to 2.6.1`).",
        ])
        #expect(plan.steps[0].requiredBy == ["2.4.1", "2.6"])
        #expect(plan.notes.first?.en == "Settings are kept (2.4.1, 2.6).")
    }

    @Test func crossing2371MeansReconfiguring() throws {
        let plan = try planner.plan(from: v("2.3.5.1"), pbx: v("6.7.0.2"), datev: v("10.11"))
        #expect(plan.target == "2.6")
        #expect(plan.steps.contains { $0.action.en == "Configure the Windows app again for every user." && $0.requiredBy == ["2.3.7.1"] })
    }

    @Test func nothingToDoAndNothingPossible() throws {
        #expect(try planner.plan(from: v("2.6.1"), pbx: v("6.7.1.5")).steps.isEmpty)
        let none = try planner.plan(from: v("2.4.4.1"), pbx: v("6.8"))
        #expect(none.target == nil)
        #expect(none.summary.en == "No release of DATEV Connector for STARFACE is tested with STARFACE 6.8.")
        // 2.4.4.1 is tested with 6.7.0.* but not with 6.6.0.*: the newest for 6.6 is 2.3.7.3.
        #expect(try planner.plan(from: v("2.4.4.1"), pbx: v("6.6.0.5")).target == "2.3.7.3")
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
        #expect(error("{")?.hasPrefix("r.json: not valid JSON") == true)
        #expect(error(#"{"name":"x","releases":[],"incompatibilities":[]}"#) == "r.json: product is missing")
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
        #expect { _ = try SignedCatalog.verify(Array(signed.utf8), keyring: other, source: "s") } throws: { ($0 as? SigningError)?.code == "jws.signature-invalid" }
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
