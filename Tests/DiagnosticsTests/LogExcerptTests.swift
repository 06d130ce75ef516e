import Foundation
import Testing
@testable import Diagnostics

/// A log excerpt for the bundle reads its encoding as the log scanner does, and what cannot be
/// text (an odd byte, a lone surrogate at the end) becomes U+FFFD, never another character.
@Suite struct LogExcerptTests {
    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory("log-excerpt")
    }

    func excerpt(_ bytes: [UInt8]) throws -> LogExcerpt {
        let path = folder.path("log.txt")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return try LogExcerpt.read(path, limit: 1 << 20, redactor: Redactor())
    }

    static func utf16LE(_ text: String) -> [UInt8] { text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }

    @Test func utf16WithoutAByteOrderMarkIsTextToo() throws {
        let log = try excerpt(Self.utf16LE("Anruf angenommen, Übergabe an DATEV\r\nZugangsdaten nicht korrekt\r\n"))
        #expect(log.encoding == "UTF-16LE")
        #expect(String(decoding: log.bytes, as: UTF8.self) == "Anruf angenommen, Übergabe an DATEV\r\nZugangsdaten nicht korrekt\r\n")
    }

    @Test func anOddByteAndALoneSurrogateAtTheEndAreReplacementCharacters() throws {
        let odd = try excerpt([0xFF, 0xFE] + Self.utf16LE("Ende") + [0x41])
        #expect(String(decoding: odd.bytes, as: UTF8.self) == "Ende\u{FFFD}")
        let surrogate = try excerpt([0xFF, 0xFE] + Self.utf16LE("Ende") + [0x3D, 0xD8])
        #expect(String(decoding: surrogate.bytes, as: UTF8.self) == "Ende\u{FFFD}")
        let pair = try excerpt([0xFF, 0xFE] + Self.utf16LE("Ende 😀"))
        #expect(String(decoding: pair.bytes, as: UTF8.self) == "Ende 😀")
    }
}
