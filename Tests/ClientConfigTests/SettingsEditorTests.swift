import CTICore
import ClientConfig
import Testing

@Suite struct SettingsEditorTests {
    static let fixtures = [Fixture.crlfWithBOM, Fixture.handEdited]

    @Test(arguments: fixtures)
    func noChangeGivesTheSameBytes(name: String) throws {
        let file = try Fixture.file(name)
        #expect(try file.applying([]).bytes == file.bytes)
        // Setting every value to what it is changes nothing either.
        let same = file.settings.map { SettingChange.set(section: $0.section, name: $0.name, value: $0.value) }
        #expect(try file.applying(same).bytes == file.bytes)
    }

    @Test func settingAValueTouchesOnlyItsBytes() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let before = try #require(file.setting("UseTapiLine", in: Fixture.section))
        let edited = try file.applying([.set(section: Fixture.section, name: "UseTapiLine", value: "False")])
        expectOnlyChanged(file.bytes, edited.bytes, range: try #require(before.valueContentRange), to: "False")
        #expect(edited.setting("UseTapiLine", in: Fixture.section)?.value == "False")
        #expect(edited.settings.count == file.settings.count)
        #expect(edited.hasByteOrderMark)
    }

    @Test func newValuesAreEscaped() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let value = "a & b < c > \"d\" 'e' ]]> \u{263A}\r\nnext\tline"
        let before = try #require(file.setting("DisplayName", in: Fixture.section))
        let edited = try file.applying([.set(section: Fixture.section, name: "DisplayName", value: value)])
        expectOnlyChanged(
            file.bytes, edited.bytes, range: try #require(before.valueContentRange),
            to: "a &amp; b &lt; c &gt; \"d\" 'e' ]]&gt; \u{263A}&#xD;\nnext\tline")
        #expect(edited.setting("DisplayName", in: Fixture.section)?.value == value)
    }

    @Test func emptyValuesAreWrittenAsDotNetDoes() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let lastCaller = try #require(file.setting("LastCaller", in: Fixture.section))
        let filled = try file.applying([.set(section: Fixture.section, name: "LastCaller", value: "0711 1")])
        expectOnlyChanged(file.bytes, filled.bytes, range: lastCaller.valueRange, to: "<value>0711 1</value>")
        let emptied = try filled.applying([.set(section: Fixture.section, name: "LastCaller", value: "")])
        #expect(emptied.bytes == file.bytes)
    }

    @Test func xmlValuesAreCheckedAndWrittenAsGiven() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let xml = "<ArrayOfString><string>1 &lt; 2</string><!-- x --></ArrayOfString>"
        let before = try #require(file.setting("RecentNumbers", in: Fixture.section))
        let edited = try file.applying([.set(section: Fixture.section, name: "RecentNumbers", value: xml)])
        expectOnlyChanged(file.bytes, edited.bytes, range: try #require(before.valueContentRange), to: xml)
        #expect(edited.setting("RecentNumbers", in: Fixture.section)?.value == xml)
        for broken in ["<ArrayOfString>", "</value><x>", "a & b", "<a></b>", "<!DOCTYPE x>", "]]>", "\u{1}"] {
            expectEditRefused(file, [.set(section: Fixture.section, name: "RecentNumbers", value: broken)], code: .configEditValueInvalid)
        }
    }

    @Test func aBrokenXmlValueIsPlacedInTheValue() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        do {
            _ = try file.applying([.set(section: Fixture.section, name: "RecentNumbers", value: "<a>\n  </b>")])
            Issue.record("a broken Xml value was written")
        } catch {
            #expect(error.message == "\(Fixture.crlfWithBOM): the new value of RecentNumbers:2:3: </b> does not close <a> opened at 1:1 (an Xml setting's value must be XML)")
        }
    }

    @Test func refusesWhatXMLCannotHold() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        expectEditRefused(file, [.set(section: Fixture.section, name: "PbxHost", value: "a\u{0}b")], code: .configEditValueInvalid)
        expectEditRefused(file, [.add(section: Fixture.section, name: "N", serializeAs: .string, value: "\u{1B}[2J")], code: .configEditValueInvalid)
        expectEditRefused(file, [.add(section: Fixture.section, name: "\u{7}", serializeAs: .string, value: "")], code: .configEditValueInvalid)
        expectEditRefused(file, [.add(section: Fixture.section, name: "", serializeAs: .string, value: "")], code: .configEditValueInvalid)
    }

    /// (fixture, new name, value, what is inserted after the section's last setting)
    @Test(arguments: [
        (
            Fixture.crlfWithBOM, "UseTapiLine2", "False & more",
            "\r\n            <setting name=\"UseTapiLine2\" serializeAs=\"String\">\r\n                <value>False &amp; more</value>\r\n            </setting>"
        ),
        (Fixture.handEdited, "It's", "", "\n\t\t\t<setting name='It&apos;s' serializeAs='String'>\n\t\t\t\t<value />\n\t\t\t</setting>"),
    ])
    func addingCopiesTheNeighboursLayout(fixture: String, name: String, value: String, inserted: String) throws {
        let file = try Fixture.file(fixture)
        let last = try #require(file.settings(in: Fixture.section).last)
        let edited = try file.applying([.add(section: Fixture.section, name: name, serializeAs: .string, value: value)])
        let at = last.elementRange.upperBound
        expectOnlyChanged(file.bytes, edited.bytes, range: at..<at, to: inserted)
        #expect(edited.settings(in: Fixture.section).last?.value == value)
        #expect(edited.settings(in: Fixture.section).last?.name == name)
    }

    @Test func addingToAnEmptySection() throws {
        let file = try Fixture.file(Fixture.handEdited)
        let selfClosed = try #require(file.section("userSettings/Empty.Properties.Settings"))
        let opened = try file.applying([
            .add(section: selfClosed.path, name: "A", serializeAs: .string, value: "1"),
            .add(section: selfClosed.path, name: "B", serializeAs: .xml, value: "<b/>"),
        ])
        let setting = "\n\t\t\t<setting name='A' serializeAs='String' >\n\t\t\t\t<value>1</value>\n\t\t\t</setting>"
            + "\n\t\t\t<setting name='B' serializeAs='Xml' >\n\t\t\t\t<value><b/></value>\n\t\t\t</setting>"
        expectOnlyChanged(
            file.bytes, opened.bytes, range: selfClosed.elementRange,
            to: "<Empty.Properties.Settings>" + setting + "\n\t\t</Empty.Properties.Settings>")
        #expect(opened.settings(in: selfClosed.path).map(\.value) == ["1", "<b/>"])

        let blank = try #require(file.section("userSettings/Blank.Properties.Settings"))
        let filled = try file.applying([.add(section: blank.path, name: "A", serializeAs: .string, value: "1")])
        let endTagLine = try #require(file.bytes.offset(of: "\t\t</Blank.Properties.Settings>"))
        expectOnlyChanged(
            file.bytes, filled.bytes, range: endTagLine..<endTagLine,
            to: "\t\t\t<setting name='A' serializeAs='String' >\n\t\t\t\t<value>1</value>\n\t\t\t</setting>\n")
    }

    @Test func addingToAFileWithoutSettingsUsesTheDotNetLayout() throws {
        let text = "<configuration>\r\n    <userSettings>\r\n        <App.Properties.Settings />\r\n    </userSettings>\r\n</configuration>\r\n"
        let file = try SettingsFile(bytes: Array(text.utf8), source: "t")
        let edited = try file.applying([.add(section: "userSettings/App.Properties.Settings", name: "UseTapiLine", serializeAs: .string, value: "False")])
        let expected = "<configuration>\r\n    <userSettings>\r\n        <App.Properties.Settings>\r\n"
            + "            <setting name=\"UseTapiLine\" serializeAs=\"String\">\r\n                <value>False</value>\r\n            </setting>\r\n"
            + "        </App.Properties.Settings>\r\n    </userSettings>\r\n</configuration>\r\n"
        #expect(edited.bytes == Array(expected.utf8))
    }

    @Test func removingTakesTheWholeLines() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let edited = try file.applying([.remove(section: Fixture.section, name: "UseTapiLine")])
        let lines = "            <setting name=\"UseTapiLine\" serializeAs=\"String\">\r\n                <value>True</value>\r\n            </setting>\r\n"
        let start = try #require(file.bytes.offset(of: lines))
        expectOnlyChanged(file.bytes, edited.bytes, range: start..<(start + lines.utf8.count), to: "")
        #expect(edited.setting("UseTapiLine", in: Fixture.section) == nil)

        let hand = try Fixture.file(Fixture.handEdited)
        let note = "\t\t\t<setting name='Note'  serializeAs=\"String\"><value><![CDATA[a < b && c > d]]> and &#65;&#x42;</value></setting>\n"
        let noteStart = try #require(hand.bytes.offset(of: note))
        let withoutNote = try hand.applying([.remove(section: Fixture.section, name: "Note")])
        expectOnlyChanged(hand.bytes, withoutNote.bytes, range: noteStart..<(noteStart + note.utf8.count), to: "")
    }

    @Test func removingASettingThatSharesItsLine() throws {
        let text = "<configuration><userSettings><S>\n  <setting name=\"A\" serializeAs=\"String\"><value/></setting><setting name=\"B\" serializeAs=\"String\"><value/></setting></S></userSettings></configuration>"
        let file = try SettingsFile(bytes: Array(text.utf8), source: "t")
        for name in ["A", "B"] {
            let removed = try file.applying([.remove(section: "userSettings/S", name: name)])
            #expect(removed.settings.map(\.name) == [name == "A" ? "B" : "A"])
            let added = try removed.applying([.add(section: "userSettings/S", name: name, serializeAs: .string, value: "")])
            #expect(added.settings.count == 2)
        }
        let both = try file.applying([.remove(section: "userSettings/S", name: "A"), .remove(section: "userSettings/S", name: "B")])
        #expect(both.bytes == Array("<configuration><userSettings><S></S></userSettings></configuration>".utf8))
    }

    @Test(arguments: fixtures)
    func addThenRemoveRestoresAndRemoveThenAddReadsBack(name: String) throws {
        let file = try Fixture.file(name)
        for section in file.sections {
            let added = try file.applying([.add(section: section.path, name: "Added", serializeAs: .string, value: "x")])
            #expect(try added.applying([.remove(section: section.path, name: "Added")]).bytes == file.bytes || section.contentRange == nil)
            guard let last = file.settings(in: section.path).last else { continue }
            let removed = try file.applying([.remove(section: section.path, name: last.name)])
            let restored = try removed.applying([.add(section: section.path, name: last.name, serializeAs: last.serializeAs, value: last.value)])
            #expect(restored.setting(last.name, in: section.path)?.value == last.value)
        }
        // Removing a section's only setting and adding it back restores the bytes.
        let crlf = try Fixture.file(Fixture.crlfWithBOM)
        let section = "userSettings/SomeOther.Plugin.Properties.Settings"
        let removed = try crlf.applying([.remove(section: section, name: "Colour")])
        #expect(try removed.applying([.add(section: section, name: "Colour", serializeAs: .string, value: "Blue")]).bytes == crlf.bytes)
    }

    @Test func removingEverySettingAndAddingOneInTheSameEdit() throws {
        let file = try Fixture.file(Fixture.handEdited)
        var changes = file.settings(in: Fixture.section).map { SettingChange.remove(section: Fixture.section, name: $0.name) }
        changes.append(.add(section: Fixture.section, name: "Only", serializeAs: .string, value: "1"))
        let edited = try file.applying(changes)
        #expect(edited.settings(in: Fixture.section).map(\.name) == ["Only"])
        #expect(edited.bytes.offset(of: "<?client-hint keep?>") != nil)
    }

    @Test func refusesEditsThatNameNothingOrCollide() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        expectEditRefused(file, [.set(section: Fixture.section, name: "Nope", value: "1")], code: .configEditTargetMissing)
        expectEditRefused(file, [.remove(section: "userSettings/Nope", name: "PbxHost")], code: .configEditTargetMissing)
        expectEditRefused(file, [.add(section: "userSettings/Nope", name: "A", serializeAs: .string, value: "")], code: .configEditTargetMissing)
        expectEditRefused(file, [.add(section: Fixture.section, name: "PbxHost", serializeAs: .string, value: "")], code: .configEditConflict)
        expectEditRefused(
            file, [.set(section: Fixture.section, name: "PbxHost", value: "a"), .remove(section: Fixture.section, name: "PbxHost")], code: .configEditConflict)
        expectEditRefused(
            file,
            [.add(section: Fixture.section, name: "A", serializeAs: .string, value: ""), .add(section: Fixture.section, name: "A", serializeAs: .string, value: "")],
            code: .configEditConflict)
    }
}

func expectEditRefused(_ file: SettingsFile, _ changes: [SettingChange], code: ErrorCode, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        _ = try file.applying(changes)
        Issue.record("edited, expected \(code)", sourceLocation: sourceLocation)
    } catch {
        #expect(error.errorCode == code, "\(error.message)", sourceLocation: sourceLocation)
        #expect(error.message.hasPrefix(file.source + ": "), "\(error.message)", sourceLocation: sourceLocation)
    }
}
