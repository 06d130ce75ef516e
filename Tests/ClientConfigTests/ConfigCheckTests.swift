import CTICore
import ClientConfig
import ReleaseCatalog
import Testing

/// `ConfigCheck` on the products of config-schemas: schema choice, schema findings, release
/// detection.
@Suite struct ConfigCheckTests {
    static let schemas = DatevConnectorMigrationTests.schemas

    func file(_ settings: [(String, String)], section: String = "DatevConnector.Properties.Settings") throws -> SettingsFile {
        var text = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<configuration>\n  <userSettings>\n    <\(section)>\n"
        for (name, value) in settings { text += "      <setting name=\"\(name)\" serializeAs=\"String\"><value>\(value)</value></setting>\n" }
        text += "    </\(section)>\n  </userSettings>\n</configuration>\n"
        return try SettingsFile(bytes: Array(text.utf8), source: "user.config")
    }

    func check(_ product: String) throws -> ConfigCheck {
        ConfigCheck(product: try ProductSettings.load(product: product, from: Self.schemas))
    }

    /// A schema pattern that runs out of its steps on a value decides nothing: the check says
    /// so (`config.check-undecided`) instead of passing the file or calling the value invalid.
    @Test func aSchemaThatCannotDecideSaysSo() throws {
        var files = try ProductSettingsFiles.read(product: "datev-connector", from: Self.schemas)
        let index = try #require(files.schemas.firstIndex { $0.name.hasSuffix("/2.6.schema.json") })
        let text = String(decoding: files.schemas[index].bytes, as: UTF8.self)
        let slow = text.replacingOccurrences(of: #""pattern": "^[^ \\t\\r\\n]*$""#, with: #""pattern": "(?=[ab]*c)""#)
        #expect(slow != text)
        files.schemas[index] = InputDocument(name: files.schemas[index].name, bytes: Array(slow.utf8))
        let check = ConfigCheck(product: try ProductSettings(
            product: "datev-connector", catalog: try ReleaseCatalog.load(product: "datev-connector", from: Self.schemas), files: files))
        let findings = check.findings(for: try file([("StarfaceHost", String(repeating: "a", count: 20_000))]), release: try Version("2.6"))
        #expect(findings.map(\.summary).contains("warning config.check-undecided"))
        #expect(!findings.map(\.summary).contains { $0.contains("config.value-invalid") })
        #expect(check.findings(for: try file([("StarfaceHost", "abc")]), release: try Version("2.6")).allSatisfy { $0.finding.code != "config.check-undecided" })
    }

    @Test func theReleasesSchemaIsPicked() throws {
        let datev = try ProductSettings.load(product: "datev-connector", from: Self.schemas)
        #expect(datev.schemas.map(\.name) == ["2.0", "2.3.7.3", "2.6"])
        #expect(datev.schema(for: try Version("2.4.4.1")).release == (try Version("2.3.7.3")))
        #expect(datev.schema(for: try Version("2.6.1")).release == (try Version("2.6")))
        #expect(datev.schema(for: try Version("2.3.7.1")).release == (try Version("2.0")))
        #expect(datev.schema(for: try Version("9.0")).release == (try Version("2.6")))  // newer than every release
        #expect(datev.schema(for: try Version("1.0")).release == (try Version("2.0")))  // before every schema
    }

    @Test func valuesTheSchemaRefusesNameTheirSetting() throws {
        let check = try check("datev-connector")
        let found = check.findings(for: try file([("StarfaceHost", "pbx"), ("XmppPort", "70000"), ("Password", "\u{20}"), ("CloseAfterCall", "Ja")]),
                                   release: try Version("2.6"))
        #expect(found.map(\.summary) == ["error config.value-invalid XmppPort", "error config.value-invalid CloseAfterCall", "warning config.port-not-standard XmppPort"])
        #expect(found.first?.finding.message.en.contains("\"70000\"") == true)
        #expect(found.first?.finding.fix?.en.contains("its default \"5222\"") == true)
    }

    @Test func aMissingSectionAndThePlaceholder() throws {
        let check = try check("datev-connector")
        let other = try file([("StarfaceHost", "192.168.1.2")], section: "Other.Properties.Settings")
        let found = check.findings(for: other, release: try Version("2.6"))
        // The defaults then apply: no host at all.
        #expect(found.map(\.summary) == ["warning config.section-missing", "error config.host-missing StarfaceHost"])
        let placeholder = try self.check("connector365-cti").findings(for: other, release: nil)
        #expect(placeholder.map(\.summary) == ["info config.nothing-to-check"])
    }

    @Test func theCrmCrossFieldRuleKeepsItsCode() throws {
        let check = try check("crm-groupware")
        let settings = [("ImportMails", "True"), ("SyncPreviouslyImported", "True"), ("AutoGroupwareSync", "true"), ("AutoSyncExistingItems", "True")]
        let found = check.findings(for: try file(settings, section: "Crm.Properties.Settings"), release: nil)
        #expect(found.map(\.summary) == ["error config.manual-sync-while-auto-sync"])
        #expect(found.first?.finding.fix?.de.hasPrefix("SyncPreviouslyImported auf False setzen") == true)
        let fine = check.findings(for: try file([("ImportMails", "True"), ("SyncPreviouslyImported", "True")], section: "Crm.Properties.Settings"), release: nil)
        #expect(fine.isEmpty)
    }

    @Test func theReleaseOfAFile() throws {
        let check = try check("datev-connector")
        let plain = try file([("StarfaceHost", "192.168.1.2")])
        let given = try Version("2.4.4.1")
        #expect(try check.release(of: plain, option: given, versionFolder: "2.6.1.0") == (given, .option))
        let (folder, source) = try check.release(of: plain, option: nil, versionFolder: "2.6.1.0")
        #expect(folder == (try Version("2.6.1")) && source == .versionFolder)
        expectFailure(.configReleaseUndetermined, containing: ["user.config", "--version"]) {
            _ = try check.release(of: plain, option: nil, versionFolder: "current")  // a folder that is no version
        }
        let newer = try file([("StarfaceHost", "192.168.1.2"), ("ChooseFirstContact", "True"), ("UseTapiLine", "False")])
        let (least, from) = try check.release(of: newer, option: nil, versionFolder: nil)
        #expect(least == (try Version("2.6")) && from == .settings)
        // A product without releases needs none.
        let crm = try self.check("crm-groupware")
        let (none, any) = try crm.release(of: plain, option: nil, versionFolder: nil)
        #expect(none == nil && any == .anyRelease)
    }
}
