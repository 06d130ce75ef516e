import CTICore
import ClientConfig
import Testing

/// The fixture files beside this source file, and small byte helpers for the tests.
enum Fixture {
    /// BOM, CRLF, XML declaration, configSections, comments, two settings sections, an
    /// applicationSettings section, an Xml value, entities, `<value />`, an unknown element.
    static let crlfWithBOM = "datev-connector-crlf-bom.user.config"
    /// LF, no BOM, tabs, single quotes, `' >` spacing, CDATA, character references, a
    /// processing instruction, a self-closed and a blank section.
    static let handEdited = "hand-edited-lf.user.config"
    static let section = "userSettings/DatevConnector.Properties.Settings"

    static func bytes(_ name: String) throws -> [UInt8] {
        let directory = String(#filePath.prefix(upTo: #filePath.lastIndex(of: "/")!))
        return try SafeFile.read(directory + "/Fixtures/" + name)
    }

    static func file(_ name: String) throws -> SettingsFile {
        try SettingsFile(bytes: bytes(name), source: name)
    }
}

extension SettingsFile {
    /// The same file read under another name.
    func withSource(_ source: String) throws -> SettingsFile { try SettingsFile(bytes: bytes, source: source) }
}

extension Array where Element == UInt8 {
    init(_ text: String) { self = Array(text.utf8) }

    /// The offset of the first occurrence of `needle`.
    func offset(of needle: String) -> Int? {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, pattern.count <= count else { return nil }
        for start in 0...(count - pattern.count) where self[start..<(start + pattern.count)].elementsEqual(pattern) { return start }
        return nil
    }

    /// These bytes with `range` replaced.
    func replacing(_ range: Range<Int>, with text: String) -> [UInt8] {
        Array(self[..<range.lowerBound]) + Array(text.utf8) + Array(self[range.upperBound...])
    }
}

/// Asserts that `edited` equals `original` except for `original[range]`, which became `replacement`.
func expectOnlyChanged(_ original: [UInt8], _ edited: [UInt8], range: Range<Int>, to replacement: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(edited == original.replacing(range, with: replacement), sourceLocation: sourceLocation)
    #expect(edited.prefix(range.lowerBound).elementsEqual(original.prefix(range.lowerBound)), sourceLocation: sourceLocation)
    #expect(edited.suffix(original.count - range.upperBound).elementsEqual(original.suffix(original.count - range.upperBound)), sourceLocation: sourceLocation)
}
