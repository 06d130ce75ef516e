import CTICore
import Foundation
import Testing
@testable import Diagnostics

@Suite struct ModuleNameTests {
    func codes(_ name: String) -> [String] { ModuleName.findings(for: name, from: "--module-name").map(\.code) }

    func message(_ name: String, _ code: String) -> String? {
        ModuleName.findings(for: name, from: "--module-name").first { $0.code == code }?.message.en
    }

    @Test func theExactNameHasNoFinding() {
        #expect(codes("DATEVConnectorforSTARFACE").isEmpty)
    }

    @Test func spacesAtTheStartAtTheEndAndInsideAreEachNamedWithPositionAndCodePoint() {
        #expect(codes(" DATEVConnectorforSTARFACE") == ["module.name-leading-space"])
        #expect(message(" DATEVConnectorforSTARFACE", "module.name-leading-space") == "--module-name: \" DATEVConnectorforSTARFACE\": white space at the start: U+0020 SPACE at 1")
        #expect(codes("DATEVConnectorforSTARFACE\u{A0}") == ["module.name-trailing-space"])
        #expect(message("DATEVConnectorforSTARFACE\u{A0}", "module.name-trailing-space")?.hasSuffix("white space at the end: U+00A0 NO-BREAK SPACE at 26") == true)
        #expect(codes("DATEV Connector for STARFACE") == ["module.name-inner-space"])
        #expect(message("DATEV Connector for STARFACE", "module.name-inner-space")?.hasSuffix("U+0020 SPACE at 6, U+0020 SPACE at 16, U+0020 SPACE at 20") == true)
        #expect(codes("DATEVConnector\u{3000}forSTARFACE\t") == ["module.name-trailing-space", "module.name-inner-space"])
        let german = ModuleName.findings(for: " DATEVConnectorforSTARFACE", from: "--module-name")[0].message.de
        #expect(german.hasSuffix("Leerraum am Anfang: U+0020 SPACE an Stelle 1"))
    }

    @Test func otherCaseIsNamedLetterByLetter() {
        #expect(codes("DatevConnectorForStarface") == ["module.name-case"])
        #expect(message("datevconnectorforstarface", "module.name-case")?.contains("d at 1 should be D, a at 2 should be A") == true)
        #expect(message("DATEVConnectorForSTARFACE", "module.name-case")?.hasSuffix("other case (the name is case-sensitive): F at 15 should be f") == true)
    }

    @Test(arguments: [
        ("DATEVConnectorforSTARF\u{0410}CE", "U+0410 CYRILLIC CAPITAL LETTER A at 23 looks like A"),
        ("DATEVC\u{043E}nnectorforSTARFACE", "U+043E CYRILLIC SMALL LETTER O at 7 looks like o"),
        ("DATEVConnectorforSTARFA\u{0421}E", "U+0421 CYRILLIC CAPITAL LETTER ES at 24 looks like C"),
        ("DATEVConnectorforS\u{03A4}ARFACE", "U+03A4 GREEK CAPITAL LETTER TAU at 19 looks like T"),
        ("\u{FF24}ATEVConnectorforSTARFACE", "U+FF24 FULLWIDTH LATIN CAPITAL LETTER D at 1 looks like D"),
        ("DATEVC0nnectorforSTARFACE", "U+0030 DIGIT ZERO at 7 looks like o"),
        ("DATEVConnectorforSTARFACE".replacingOccurrences(of: "D", with: "\u{1D403}"), "U+1D403 MATHEMATICAL BOLD CAPITAL D at 1 looks like D"),
        ("DATEVConnect\u{1D0F}rforSTARFACE", "U+1D0F LATIN LETTER SMALL CAPITAL O at 13 looks like O, expected o"),
        ("DATEVConnectorforSTARFACE".replacingOccurrences(of: "V", with: "\u{2164}"), "U+2164 ROMAN NUMERAL FIVE at 5 looks like V"),
        ("D\u{0430}TEVConnectorforSTARFACE", "U+0430 CYRILLIC SMALL LETTER A at 2 looks like a, expected A"),
    ])
    func lookAlikesAreNamedWithTheLetterTheyPretendToBe(name: String, expected: String) {
        #expect(codes(name) == ["module.name-lookalike"])
        #expect(message(name, "module.name-lookalike")?.hasSuffix("characters that only look like the right ones: \(expected)") == true, "\(message(name, "module.name-lookalike") ?? "none")")
    }

    @Test func invisibleCharactersAreShownAsCodePoints() {
        let name = "DATEV\u{200B}Connector\u{FEFF}forSTARFACE\u{301}"
        #expect(codes(name) == ["module.name-invisible-character"])
        let text = message(name, "module.name-invisible-character") ?? ""
        #expect(text.hasPrefix("--module-name: \"DATEV<U+200B>Connector<U+FEFF>forSTARFACE<U+0301>\""))
        #expect(text.hasSuffix("U+200B ZERO WIDTH SPACE at 6, U+FEFF ZERO WIDTH NO-BREAK SPACE at 16, U+0301 COMBINING ACUTE ACCENT at 28"))
    }

    @Test func severalMistakesAreEachFound() {
        #expect(codes(" DATEV\u{200B}C0nnector forSTARFACE\u{A0}") == [
            "module.name-leading-space", "module.name-trailing-space", "module.name-inner-space", "module.name-invisible-character", "module.name-lookalike",
        ])
        #expect(codes("Datev C\u{043E}nnector") == ["module.name-inner-space", "module.name-wrong"])
        #expect(message("Datev C\u{043E}nnector", "module.name-wrong")?.hasSuffix("this is not DATEVConnectorforSTARFACE; look-alike characters in it: U+043E CYRILLIC SMALL LETTER O at 8") == true)
        #expect(codes("STARFACE") == ["module.name-wrong"])
        #expect(codes("DATEVConnectorforSTARFACE2") == ["module.name-wrong"])
        #expect(codes("DATEVConnectorförSTARFACE") == ["module.name-wrong"])
        #expect(codes("") == ["module.name-empty"])
        #expect(codes("   ") == ["module.name-leading-space", "module.name-wrong"])
    }

    @Test func controlsNeverReachTheOutputRaw() {
        let findings = ModuleName.findings(for: "\u{1B}[2JDATEVConnectorforSTARFACE", from: "--module-name")
        #expect(findings.map(\.code) == ["module.name-invisible-character", "module.name-wrong"])
        #expect(findings.allSatisfy { !$0.message.en.unicodeScalars.contains { $0.value < 0x20 } })
        #expect(findings[0].message.en.contains("<U+001B>[2JDATEV"))
        #expect(findings.allSatisfy { $0.severity == .error && $0.fix?.en.contains("type it, do not paste it") == true })
    }

    // MARK: - The check and the export

    @Test func theCheckReadsTheNameAndTheExport() async throws {
        let directory = try PBXTestDirectory()
        let attribute = directory.path + "/attribute.xml"
        try "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<moduleInstance name=\"DATEVConnectorforSTARFACE&#160;\" module=\"DATEV Connector\"/>\n"
            .write(toFile: attribute, atomically: true, encoding: .utf8)
        let element = directory.path + "/element.xml"
        try "<export><sf:instance xmlns:sf=\"urn:x\"><sf:Name>DATEV Connector for STARFACE</sf:Name><value>x</value></sf:instance></export>"
            .write(toFile: element, atomically: true, encoding: .utf8)
        let good = directory.path + "/good.xml"
        try "<configuration><name>DATEVConnectorforSTARFACE</name></configuration>".write(toFile: good, atomically: true, encoding: .utf8)

        func run(name: String? = nil, export: String? = nil) async -> CheckOutcome {
            await ModuleNameCheck().run(in: DoctorContext(product: "datev-connector", moduleName: name, moduleExport: export, configSchemas: "config-schemas", now: 0))
        }
        let fromAttribute = await run(export: attribute)
        #expect(fromAttribute.findings.map(\.code) == ["module.name-trailing-space"])
        #expect(fromAttribute.findings[0].message.en.hasPrefix("\(attribute): \"DATEVConnectorforSTARFACE<U+00A0>\""))
        #expect(await run(export: element).findings.map(\.code) == ["module.name-inner-space"])
        #expect(await run(export: good).findings.isEmpty)
        #expect(await run(name: "DATEVConnectorforSTARFACE", export: element).findings.map(\.code) == ["module.name-inner-space"])
        #expect(await run(name: "DATEVConnectorforSTARFACE ", export: good).findings.map(\.code) == ["module.name-trailing-space"])
        guard case .notRun(let reason) = await run().kind else { Issue.record("ran without a name"); return }
        #expect(reason.en.contains("--module-name NAME or --module-export FILE"))
    }

    @Test func anExportThatCannotBeReadIsAFindingNamingTheFile() async throws {
        let directory = try PBXTestDirectory()
        let cases: [(String, [UInt8], String)] = [
            ("zip.sfm", [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0], "a ZIP archive; unpack it"),
            ("broken.xml", Array("<moduleInstance name=\"x\">".utf8), "not a module configuration export (XML expected)"),
            ("nameless.xml", Array("<moduleInstance><value>1</value></moduleInstance>".utf8), "no configuration name found"),
            ("entity.xml", Array("<!DOCTYPE x [<!ENTITY e \"DATEV\">]><x name=\"&e;\"/>".utf8), "not a module configuration export (XML expected)"),
        ]
        for (file, bytes, words) in cases {
            let path = directory.path + "/" + file
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let outcome = await ModuleNameCheck().run(in: DoctorContext(product: "datev-connector", moduleExport: path, configSchemas: "config-schemas", now: 0))
            #expect(outcome.findings.map(\.code) == ["module.export-unreadable"], "\(file)")
            #expect(outcome.findings.first?.message.en.hasPrefix(path) == true && outcome.findings.first?.message.en.contains(words) == true, "\(outcome.findings.first?.message.en ?? "")")
        }
        let missing = await ModuleNameCheck().run(in: DoctorContext(product: "datev-connector", moduleExport: directory.path + "/absent.xml", configSchemas: "config-schemas", now: 0))
        #expect(missing.findings.map(\.code) == ["module.export-unreadable"])
    }
}
