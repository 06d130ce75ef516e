import CTICore
import ClientConfig
import PropertyBased
import Testing

/// Generated settings files in every style the reader accepts: edits are exact and reversible.
@Suite struct SettingsPropertyTests {
    /// Values with everything XML escapes or normalises.
    static let values = [
        "False", "True", "", "5222", "a & b", "<tag>", "\"quoted\" 'single'", "Müller & Söhne", "😀", "x > y", "line\nbreak", "tab\there",
        "  spaced  ", "cr\r\nlf", "]]>", "&amp;", "192.168.0.1",
    ]

    /// Values of Xml settings: XML content, kept exactly as written.
    static let xmlValues = [
        "", "<ArrayOfString />", "\n  <ArrayOfString xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n    <string>a &amp; b</string>\n  </ArrayOfString>\n",
        "<a x='1'><![CDATA[<raw>]]><!-- c --></a>", "text &lt; only",
    ]

    static func values(for kind: SerializeAs) -> [String] { kind == .xml ? xmlValues : values }

    static let file = Gen.int(in: 0...1_000_000).array(of: 40).map { GeneratedFile(numbers: $0) }

    @Test func editThenRevertGivesTheOriginalBytes() async {
        await propertyCheck(count: 300, input: Self.file, Gen.int(in: 0...1_000), Gen.int(in: 0...1_000)) { generated, pick, valuePick in
            guard let file = try? SettingsFile(bytes: generated.bytes, source: "generated") else {
                Issue.record("the generated file does not read:\n\(String(decoding: generated.bytes, as: UTF8.self))")
                return
            }
            #expect(file.settings.map(\.value) == generated.values)
            let target = file.settings[pick % file.settings.count]
            let choices = Self.values(for: target.serializeAs)
            let value = choices[valuePick % choices.count]
            do throws(CTIFailure) {
                let edited = try file.applying([.set(section: target.section, name: target.name, value: value)])
                #expect(edited.setting(target.name, in: target.section)?.value == value)
                #expect(edited.settings.filter { $0.name != target.name }.map(\.value) == file.settings.filter { $0.name != target.name }.map(\.value))
                // Outside the value element, not a byte moved.
                #expect(edited.bytes.prefix(target.valueRange.lowerBound).elementsEqual(file.bytes.prefix(target.valueRange.lowerBound)))
                #expect(edited.bytes.suffix(file.bytes.count - target.valueRange.upperBound).elementsEqual(file.bytes.suffix(file.bytes.count - target.valueRange.upperBound)))
                let reverted = try edited.applying([.set(section: target.section, name: target.name, value: target.value)])
                #expect(reverted.bytes == file.bytes)
            } catch {
                Issue.record("\(error.message)")
            }
        }
    }

    @Test func addThenRemoveGivesTheOriginalBytes() async {
        await propertyCheck(count: 300, input: Self.file, Gen.int(in: 0...1_000)) { generated, valuePick in
            guard let file = try? SettingsFile(bytes: generated.bytes, source: "generated"), let section = file.sections.first else {
                Issue.record("the generated file does not read")
                return
            }
            let value = Self.values[valuePick % Self.values.count]
            do throws(CTIFailure) {
                let added = try file.applying([.add(section: section.path, name: "New & <Setting>", serializeAs: .string, value: value)])
                #expect(added.settings.last?.value == value)
                #expect(added.settings.dropLast().map(\.value) == file.settings.map(\.value))
                let removed = try added.applying([.remove(section: section.path, name: "New & <Setting>")])
                #expect(removed.bytes == file.bytes)
            } catch {
                Issue.record("\(error.message)")
            }
        }
    }
}

/// A settings file written from random numbers: BOM or not, CRLF or LF, a declaration or not,
/// indentation by tabs, two or four spaces, either quote per attribute, spaces before `>`,
/// comments and an unknown section between the settings, values escaped as .NET escapes them.
struct GeneratedFile: CustomStringConvertible {
    let bytes: [UInt8]
    let values: [String]

    init(numbers n: [Int]) {
        let newline = n[0] % 2 == 0 ? "\r\n" : "\n"
        let unit = ["\t", "  ", "    "][n[1] % 3]
        func indent(_ level: Int) -> String { String(repeating: unit, count: level) }
        func quoted(_ text: String, _ pick: Int) -> String { pick % 2 == 0 ? "\"\(text)\"" : "'\(text)'" }
        func space(_ pick: Int) -> String { ["", " ", "  "][pick % 3] }
        var text = n[2] % 2 == 0 ? "" : "\u{FEFF}"
        if n[3] % 3 != 0 { text += "<?xml version=\(quoted("1.0", n[3])) encoding=\(quoted("utf-8", n[4]))?>" + newline }
        text += "<configuration\(space(n[5]))>" + newline
        if n[6] % 2 == 0 { text += indent(1) + "<appSettings><add key=\"k\" value=\"v &amp; w\"/></appSettings>" + newline }
        text += indent(1) + "<userSettings>" + newline
        text += indent(2) + "<DatevConnector.Properties.Settings\(space(n[7]))>" + newline
        var values: [String] = []
        for index in 0..<(1 + n[8] % 6) {
            let pick = n[9 + index]
            if pick % 5 == 0 { text += indent(3) + "<!-- comment \(index) & more -->" + newline }
            let kind: SerializeAs = pick % 4 == 0 ? .xml : .string
            let choices = SettingsPropertyTests.values(for: kind)
            let value = choices[pick % choices.count]
            values.append(value)
            let attributes = pick % 7 == 0
                ? "serializeAs=\(quoted(kind.rawValue, pick / 2)) name=\(quoted("S\(index)", pick / 3))"
                : "name=\(quoted("S\(index)", pick / 3))\(space(pick / 5).isEmpty ? " " : space(pick / 5)) serializeAs=\(quoted(kind.rawValue, pick / 2))"
            let valueElement = value.isEmpty ? "<value />" : "<value>\(kind == .xml ? value : Self.escaped(value))</value>"
            if pick % 11 == 0 {
                text += indent(3) + "<setting \(attributes)\(space(pick / 13))>\(valueElement)</setting>" + newline
            } else {
                text += indent(3) + "<setting \(attributes)\(space(pick / 13))>" + newline + indent(4) + valueElement + newline + indent(3) + "</setting>" + newline
            }
        }
        text += indent(2) + "</DatevConnector.Properties.Settings>" + newline
        text += indent(1) + "</userSettings>" + newline
        if n[20] % 3 == 0 { text += "<!-- trailing -->" + newline }
        text += "</configuration>" + (n[21] % 2 == 0 ? newline : "")
        self.bytes = Array(text.utf8)
        self.values = values
    }

    /// As .NET's XmlWriter writes element text.
    static func escaped(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "&#xD;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    var description: String { String(decoding: bytes, as: UTF8.self) }
}
