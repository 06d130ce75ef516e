import CTICore
import ClientConfig
import Testing

@Suite struct SettingsReaderTests {
    @Test func readsTheDotNetFileWithBOMAndCRLF() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        #expect(file.hasByteOrderMark)
        #expect(file.sections.map(\.path) == [
            "userSettings/DatevConnector.Properties.Settings", "userSettings/SomeOther.Plugin.Properties.Settings",
            "applicationSettings/DatevConnector.Properties.Settings",
        ])
        #expect(file.settings(in: Fixture.section).map(\.name) == [
            "PbxHost", "XmppPort", "SslPort", "LoginId", "Password", "EncryptTraffic", "UseTapiLine", "DisplayName", "RecentNumbers",
            "LastCaller", "StartWithWindows",
        ])
        #expect(file.setting("UseTapiLine", in: Fixture.section)?.value == "True")
        #expect(file.setting("XmppPort", in: Fixture.section)?.serializeAs == .string)
        #expect(file.setting("DisplayName", in: Fixture.section)?.value == "Müller & Söhne <Steuerberatung> \"Nord\" ☺")
        #expect(file.setting("LastCaller", in: Fixture.section)?.value == "")
        #expect(file.setting("LastCaller", in: Fixture.section)?.valueContentRange == nil)
        #expect(file.setting("Colour", in: "userSettings/SomeOther.Plugin.Properties.Settings")?.value == "Blue")
        #expect(file.setting("UpdateUrl", in: "applicationSettings/DatevConnector.Properties.Settings")?.value == "https://example.invalid/updates?a=1&b=2")
        // The same name in another section is another setting.
        #expect(file.setting("UpdateUrl", in: Fixture.section) == nil)
    }

    @Test func readsAFileByPath() throws {
        let directory = String(#filePath.prefix(upTo: #filePath.lastIndex(of: "/")!))
        let path = directory + "/Fixtures/" + Fixture.handEdited
        #expect(try SettingsFile(contentsOf: path) == Fixture.file(Fixture.handEdited).withSource(path))
        do {
            _ = try SettingsFile(contentsOf: directory + "/Fixtures/missing.config")
            Issue.record("a missing file was read")
        } catch {
            #expect(error.code == "file.not-found")
            #expect(error.message.contains("missing.config"))
        }
    }

    @Test func keepsAnXmlValueAsWritten() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let setting = try #require(file.setting("RecentNumbers", in: Fixture.section))
        #expect(setting.serializeAs == .xml)
        #expect(setting.value.hasPrefix("\r\n                    <ArrayOfString xmlns:xsi="))
        #expect(setting.value.contains("<string>0711 &amp; 0800</string>"))
        #expect(setting.value.hasSuffix("</ArrayOfString>\r\n                "))
    }

    @Test func rangesPointAtTheBytes() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let setting = try #require(file.setting("UseTapiLine", in: Fixture.section))
        #expect(file.bytes[try #require(setting.valueContentRange)].elementsEqual("True".utf8))
        #expect(file.bytes[setting.valueRange].elementsEqual("<value>True</value>".utf8))
        #expect(file.bytes[setting.startTagRange].elementsEqual("<setting name=\"UseTapiLine\" serializeAs=\"String\">".utf8))
        #expect(file.bytes[setting.elementRange].elementsEqual("<setting name=\"UseTapiLine\" serializeAs=\"String\">\r\n                <value>True</value>\r\n            </setting>".utf8))
        let empty = try #require(file.setting("LastCaller", in: Fixture.section))
        #expect(file.bytes[empty.valueRange].elementsEqual("<value />".utf8))
    }

    @Test func readsAHandEditedFile() throws {
        let file = try Fixture.file(Fixture.handEdited)
        #expect(!file.hasByteOrderMark)
        #expect(file.setting("UseTapiLine", in: Fixture.section)?.value == "False")
        #expect(file.setting("Note", in: Fixture.section)?.value == "a < b && c > d and AB")
        #expect(file.setting("Empty", in: Fixture.section)?.value == "")
        #expect(file.section("userSettings/Empty.Properties.Settings")?.contentRange == nil)
        #expect(file.settings(in: "userSettings/Blank.Properties.Settings").isEmpty)
    }

    @Test func normalisesLineEndsInTextButKeepsReferencedOnes() throws {
        let file = try SettingsFile(bytes: settingsXML(value: "a\r\nb\rc&#xD;&#10;d\t"), source: "t")
        #expect(file.setting("S", in: Fixture.section)?.value == "a\nb\nc\r\nd\t")
    }

    @Test(arguments: [
        // (input, code, line, column)
        ("<configuration>\n  <userSettings>\n", "config.malformed-xml", 3, 1),
        ("<configuration>\n  <a></b>\n</configuration>", "config.malformed-xml", 2, 6),
        ("<configuration>\n<a b=c/>\n</configuration>", "config.malformed-xml", 2, 6),
        ("<configuration>\n<a b=\"1\"c=\"2\"/></configuration>", "config.malformed-xml", 2, 9),
        ("<configuration>\n<a b=\"1\" b=\"2\"/></configuration>", "config.malformed-xml", 2, 10),
        ("<configuration>\n<a b=\"x</configuration>", "config.malformed-xml", 2, 8),
        ("<configuration>\n<a b=\"x", "config.malformed-xml", 2, 6),
        ("<configuration>\n<a b=\"<\"/></configuration>", "config.malformed-xml", 2, 7),
        ("<configuration>\n  x\u{01}</configuration>", "config.malformed-xml", 2, 4),
        ("<configuration>\u{FFFE}</configuration>", "config.malformed-xml", 1, 16),
        ("<?xml version=\"1.0\"?>\n<!DOCTYPE configuration>\n<configuration/>", "config.doctype-refused", 2, 1),
        ("<!DOCTYPE c [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>\n<c>&e;</c>", "config.doctype-refused", 1, 1),
        ("<configuration>\n  <a>&nbsp;</a></configuration>", "config.undefined-entity", 2, 6),
        ("<configuration>\n  <a>&e;</a></configuration>", "config.undefined-entity", 2, 6),
        ("<configuration>\n  <a>AT&T</a></configuration>", "config.malformed-xml", 2, 8),
        ("<configuration>\n  <a>&#0;</a></configuration>", "config.malformed-xml", 2, 6),
        ("<configuration>\n  <a>&#xZZ;</a></configuration>", "config.malformed-xml", 2, 6),
        ("<configuration>\n  <a>]]></a></configuration>", "config.malformed-xml", 2, 6),
        ("<configuration>\n<!-- a -- b -->\n</configuration>", "config.malformed-xml", 2, 8),
        ("<configuration>\n<!-- open\n</configuration>", "config.malformed-xml", 2, 1),
        ("<![CDATA[x]]>\n<configuration/>", "config.malformed-xml", 1, 1),
        ("<configuration>\n<![CDATA[x]></configuration>", "config.malformed-xml", 2, 1),
        ("<configuration/>\ntext", "config.malformed-xml", 2, 1),
        ("<configuration/>\n<configuration/>", "config.malformed-xml", 2, 1),
        ("\n\n", "config.malformed-xml", 3, 1),
        ("<configuration>\n<?xml version=\"1.0\"?></configuration>", "config.malformed-xml", 2, 1),
        ("<?xml version=\"1.0\" encoding=\"utf-16\"?><configuration/>", "config.unsupported-encoding", 1, 21),
        ("<?xml encoding=\"utf-8\"?><configuration/>", "config.malformed-xml", 1, 1),
        ("<configuration>\n  <a>\u{00E4}</a>\n  <</configuration>", "config.malformed-xml", 3, 4),
        ("<root/>", "config.not-a-settings-file", 1, 1),
    ])
    func refusesMalformedInputNamingLineAndColumn(input: String, code: String, line: Int, column: Int) {
        expectRefused(Array(input.utf8), code: code, line: line, column: column)
    }

    @Test func refusesWhatIsNotUTF8() {
        expectRefused([0xFF, 0xFE] + Array("<\0c\0/\0>\0".utf8), code: "config.unsupported-encoding", line: 1, column: 1)
        expectRefused([0xFE, 0xFF, 0, 0x3C], code: "config.unsupported-encoding", line: 1, column: 1)
        expectRefused(Array("<configuration>\n <a>".utf8) + [0xC3, 0x28] + Array("</a></configuration>".utf8), code: "config.unsupported-encoding", line: 2, column: 5)
        expectRefused(Array("<configuration>".utf8) + [0xED, 0xA0, 0x80] + Array("</configuration>".utf8), code: "config.unsupported-encoding", line: 1, column: 16)
        expectRefused(Array("<c>".utf8) + [0xE2, 0x82], code: "config.unsupported-encoding", line: 1, column: 4)
        // The byte order mark is not a column.
        expectRefused(UTF8BOM + Array("<a></b>".utf8), code: "config.malformed-xml", line: 1, column: 4)
    }

    @Test func refusesWhatIsNotASettingsFile() {
        let cases: [(String, Int, Int)] = [
            ("<setting serializeAs=\"String\"><value/></setting>", 4, 13),
            ("<setting name=\"\" serializeAs=\"String\"><value/></setting>", 4, 13),
            ("<setting name=\"A\"><value/></setting>", 4, 13),
            ("<setting name=\"A\" serializeAs=\"string\"><value/></setting>", 4, 13),
            ("<setting name=\"A\" serializeAs=\"String\"></setting>", 4, 13),
            ("<setting name=\"A\" serializeAs=\"String\"><value/><value/></setting>", 4, 60),
            ("<setting name=\"A\" serializeAs=\"String\"><value><b/></value></setting>", 4, 59),
            ("<setting name=\"A\" serializeAs=\"String\"><value/></setting><setting name=\"A\" serializeAs=\"String\"><value/></setting>", 4, 70),
        ]
        for (setting, line, column) in cases {
            let text = "<configuration>\n  <userSettings>\n    <DatevConnector.Properties.Settings>\n            \(setting)\n    </DatevConnector.Properties.Settings>\n  </userSettings>\n</configuration>"
            expectRefused(Array(text.utf8), code: "config.not-a-settings-file", line: line, column: column)
        }
        let twice = "<configuration>\n<userSettings>\n<A/>\n<A/>\n</userSettings>\n</configuration>"
        expectRefused(Array(twice.utf8), code: "config.not-a-settings-file", line: 4, column: 1)
    }

    @Test func refusesTooLargeAndTooDeep() {
        let large = Array("<configuration>".utf8) + [UInt8](repeating: 0x20, count: SettingsReader.sizeLimit) + Array("</configuration>".utf8)
        #expect(throws: CTIFailure.self) { try SettingsFile(bytes: large, source: "big.config") }
        do {
            _ = try SettingsFile(bytes: large, source: "big.config")
        } catch {
            #expect(error.errorCode == .configTooLarge)
            #expect(error.message.hasPrefix("big.config: "))
        }
        let levels = SettingsReader.depthLimit + 1
        let deep = String(repeating: "<a>", count: levels) + String(repeating: "</a>", count: levels)
        expectRefused(Array(deep.utf8), code: "config.too-deep", line: 1, column: 3 * SettingsReader.depthLimit + 1)
        let deepest = String(repeating: "<a>", count: levels - 1) + String(repeating: "</a>", count: levels - 1)
        expectRefused(Array(deepest.utf8), code: "config.not-a-settings-file", line: 1, column: 1)
    }

    @Test func acceptsWhatXMLAllows() throws {
        let text = "\n<!-- c -->\n<?pi x?>\n<configuration  >\n<userSettings><S\ta = 'x' b=\"y\"\n/></userSettings></configuration  >\n<!-- after -->\n"
        let file = try SettingsFile(bytes: Array(text.utf8), source: "t")
        #expect(file.sections.map(\.path) == ["userSettings/S"])
    }

    @Test func messagesQuoteTheInputHarmlessly() {
        let text = "<configuration>\n<userSettings><S><setting name=\"a&#xA;\u{9B}2J\" serializeAs=\"Text&#xD;\"><value/></setting></S></userSettings></configuration>"
        expectRefused(Array(text.utf8), code: "config.not-a-settings-file", line: 2, column: 18)
        do {
            _ = try SettingsFile(bytes: Array(text.utf8), source: "user\u{1B}]0;title\u{7}.config")
        } catch {
            #expect(error.message.hasPrefix("user\\u{1B}]0;title\\u{7}.config:2:18: the setting a\\u{A}\\u{9B}2J has serializeAs=\"Text\\u{D}\""))
        }
    }

    @Test func errorsAreCTIFailuresWithExit65() throws {
        do {
            _ = try SettingsFile(bytes: Array("<configuration>".utf8), source: "C:/Users/anna/user.config")
            Issue.record("an unclosed element was read")
        } catch {
            #expect(error.kind.exitStatus == 65)
            #expect(error.message == "C:/Users/anna/user.config:1:16: the file ends before <configuration> opened at 1:1 is closed")
        }
    }
}

let UTF8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

/// A one-setting file with `value` written verbatim between `<value>` and `</value>`.
func settingsXML(value: String) -> [UInt8] {
    Array("<configuration><userSettings><DatevConnector.Properties.Settings><setting name=\"S\" serializeAs=\"String\"><value>\(value)</value></setting></DatevConnector.Properties.Settings></userSettings></configuration>".utf8)
}

func expectRefused(_ bytes: [UInt8], code: String, line: Int, column: Int, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let file = try SettingsFile(bytes: bytes, source: "user.config")
        Issue.record("read, expected \(code): \(file.settings.count) settings", sourceLocation: sourceLocation)
    } catch {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.message.hasPrefix("user.config:\(line):\(column): "), "\(error.message)", sourceLocation: sourceLocation)
        #expect(!error.message.contains("\n"), sourceLocation: sourceLocation)
    }
}
