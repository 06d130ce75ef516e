import CTICore

/// The text form of a signed file: optional unsigned comment lines, then
/// `-----BEGIN <LABEL>-----`, the compact JWS wrapped at 64 columns, `-----END <LABEL>-----`.
public struct ArmoredText: Sendable, Equatable {
    public let compact: String
    /// Comment lines before the armor, unsigned and untrusted (`Customer: ...`).
    public let comments: [String]

    public init(compact: String, comments: [String] = []) {
        self.compact = compact
        self.comments = comments
    }
}

/// Writes and reads the armor. Reading tolerates what e-mail and copy-paste do to text
/// (CRLF, re-wrapping, indentation, trailing spaces, tabs, a UTF-8 BOM, no-break spaces):
/// whitespace is never part of a JWS, so dropping it cannot change the signed bytes.
public struct Armor: Sendable {
    public let label: String
    public static let lineWidth = 64

    public init(label: String) {
        self.label = label
    }

    var beginLine: String { "-----BEGIN \(label)-----" }
    var endLine: String { "-----END \(label)-----" }

    public func write(_ armored: ArmoredText) -> String {
        String(decoding: writeBytes(armored), as: UTF8.self)
    }

    /// The same text as UTF-8 bytes, for writing straight to a file.
    public func writeBytes(_ armored: ArmoredText) -> [UInt8] {
        var text: [UInt8] = []
        text.reserveCapacity(armored.compact.utf8.count * 66 / 64 + 256)
        for comment in armored.comments {
            text += Self.sanitizeComment(comment).utf8
            text.append(0x0A)
        }
        text += beginLine.utf8
        text.append(0x0A)
        // The compact JWS is ASCII, so byte columns are character columns.
        let token = Array(armored.compact.utf8)
        var start = 0
        while start < token.count {
            let end = min(start + Self.lineWidth, token.count)
            text += token[start..<end]
            text.append(0x0A)
            start = end
        }
        text += endLine.utf8
        text.append(0x0A)
        return text
    }

    /// A comment may not break the armor: one line, never starting with dashes.
    private static func sanitizeComment(_ text: String) -> String {
        // Most comments are one line already; splitting into Characters costs more than the
        // rest of the file (a batch writes thousands), so it is done only when needed.
        let oneLine = mayBreakLine(text) ? text.split(whereSeparator: \.isNewline).joined(separator: " ") : text
        return oneLine.utf8.first == UInt8(ascii: "-") ? " " + oneLine : oneLine
    }

    /// Whether `text` may contain a character with `isNewline`: LF, VT, FF, CR (0x0A-0x0D),
    /// NEL (C2 85), LS and PS (E2 80 A8/A9). A quick scan of the UTF-8 lead bytes.
    static func mayBreakLine(_ text: String) -> Bool {
        text.utf8.contains { (0x0A...0x0D).contains($0) || $0 == 0xC2 || $0 == 0xE2 }
    }

    public func read(_ input: [UInt8]) throws -> ArmoredText {
        // Worked on through a buffer pointer (license files are read at every client start);
        // every index below stays within `start..<buffer.count`.
        try input.withUnsafeBufferPointer { buffer in
            let start = input.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            return try read(buffer, from: start)
        }
    }

    private func read(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) throws -> ArmoredText {
        let body = bytes[start...]
        if body.allSatisfy({ $0 == 0x20 || (0x09...0x0D).contains($0) }) {
            throw CTIFailure(.armorEmpty, "the file is empty; expected a \(label.lowercased()) (\(beginLine) ...)")
        }
        // Plain ASCII (the usual case) is valid UTF-8 as it stands; anything else is validated.
        let isPlainASCII = body.allSatisfy { $0 != 0 && $0 < 0x80 }
        guard isPlainASCII || (!body.contains(0) && String(validating: body, as: UTF8.self) != nil) else {
            throw CTIFailure(.armorNotText, "the file is not text (binary data or not UTF-8); expected a \(label.lowercased())")
        }
        // Lines are byte ranges of the (valid UTF-8) input: no line becomes a String unless
        // it must.
        let lines = Self.trimmedLines(bytes, from: start)
        let begin = Array(beginLine.utf8)
        let end = Array(endLine.utf8)
        let begins = lines.indices.filter { bytes[lines[$0].content].elementsEqual(begin) }
        let ends = lines.indices.filter { bytes[lines[$0].content].elementsEqual(end) }
        if begins.count > 1 {
            throw CTIFailure(.armorMultiple, "the file holds \(begins.count) \(label.lowercased())s; put each into its own file")
        }
        guard let beginIndex = begins.first else {
            if !ends.isEmpty {
                throw CTIFailure(.armorTruncated, "found \(endLine) but no \(beginLine): the beginning was cut off; copy the whole block")
            }
            return try readBare(bytes, lines)
        }
        guard let endIndex = ends.first(where: { $0 > beginIndex }) else {
            throw CTIFailure(.armorTruncated, "found \(beginLine) but no \(endLine) after it: the text was cut off; copy the whole block")
        }
        let compact = try collectToken(bytes, lines, (beginIndex + 1)..<endIndex)
        let comments = lines[..<beginIndex].filter { !$0.content.isEmpty }.map { String(decoding: bytes[$0.content], as: UTF8.self) }
        return ArmoredText(compact: compact, comments: comments)
    }

    /// No armor: the bare compact JWS (the STARFACE module's "Lizenz" field), maybe wrapped.
    private func readBare(_ bytes: UnsafeBufferPointer<UInt8>, _ lines: [Line]) throws -> ArmoredText {
        let marker = Array("-----BEGIN ".utf8)
        if let line = lines.first(where: { bytes[$0.content].starts(with: marker) }) {
            throw CTIFailure(.armorWrongLabel, "found \(String(decoding: bytes[line.content], as: UTF8.self)) where a \(beginLine) block was expected; is this the right kind of file?")
        }
        let compact = try collectToken(bytes, lines, lines.indices)
        let dots = compact.utf8.filter { $0 == UInt8(ascii: ".") }.count
        if dots > 2 && dots % 2 == 0 {
            throw CTIFailure(.armorMultiple, "the text holds \(dots / 2) compact JWS tokens; put each \(label.lowercased()) into its own file")
        }
        return ArmoredText(compact: compact, comments: [])
    }

    /// Joins the given lines, dropping whitespace; anything outside the JWS alphabet is an
    /// error that names its line and column.
    private func collectToken(_ bytes: UnsafeBufferPointer<UInt8>, _ lines: [Line], _ selected: Range<Int>) throws -> String {
        var token: [UInt8] = []
        token.reserveCapacity(bytes.count)
        for lineIndex in selected {
            let range = lines[lineIndex].content
            // The usual line is all token characters: take it whole.
            if bytes[range].allSatisfy(Self.isTokenByte) {
                token.append(contentsOf: bytes[range])
                continue
            }
            var index = range.lowerBound
            while index < range.upperBound {
                let byte = bytes[index]
                if Self.isTokenByte(byte) {
                    token.append(byte)
                    index += 1
                } else if let width = Self.whitespaceWidth(bytes, at: index) {
                    index += width
                } else {
                    let column = String(decoding: bytes[lines[lineIndex].start..<index], as: UTF8.self).unicodeScalars.count + 1
                    let scalar = String(decoding: bytes[index..<range.upperBound], as: UTF8.self).unicodeScalars.first ?? "?"
                    throw CTIFailure(.armorInvalidCharacter, "line \(lineIndex + 1), column \(column): character \(Self.describe(scalar)) cannot be part of a \(label.lowercased()); expected only A-Z a-z 0-9 - _ .")
                }
            }
        }
        guard !token.isEmpty else {
            throw CTIFailure(.armorEmpty, "the \(beginLine) block is empty")
        }
        return String(decoding: token, as: UTF8.self)
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
            return true
        default:
            return false
        }
    }

    /// Whitespace as copy-paste produces it, including no-break and zero-width spaces.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200B, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF:
            return true
        default:
            return false
        }
    }

    /// The byte length of the whitespace character at `index` (UTF-8), or nil.
    static func whitespaceWidth(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let byte = bytes[index]
        if byte == 0x20 || (0x09...0x0D).contains(byte) { return 1 }
        guard byte >= 0xC2 else { return nil }
        let width = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
        guard index + width <= bytes.count,
            let scalar = String(decoding: bytes[index..<(index + width)], as: UTF8.self).unicodeScalars.first,
            isWhitespace(scalar)
        else { return nil }
        return width
    }

    /// A line of the input: where it starts, and its content without surrounding whitespace.
    struct Line {
        let start: Int
        let content: Range<Int>
    }

    /// The lines of the text, trimmed of whitespace at both ends. Lines end at LF, CRLF, CR,
    /// NEL (U+0085) and LINE SEPARATOR (U+2028).
    private static func trimmedLines(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> [Line] {
        var lines: [Line] = []
        var index = start
        var lineStart = index
        var contentStart: Int?
        var contentEnd = index
        func finish(at end: Int) {
            lines.append(Line(start: lineStart, content: contentStart.map { $0..<contentEnd } ?? end..<end))
            contentStart = nil
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte > 0x20 && byte < 0x80 {  // the common case: visible ASCII
                if contentStart == nil { contentStart = index }
                index += 1
                contentEnd = index
                continue
            }
            if byte == 0x0A || byte == 0x0D {
                finish(at: index)
                index += (byte == 0x0D && index + 1 < bytes.count && bytes[index + 1] == 0x0A) ? 2 : 1
                lineStart = index
                continue
            }
            if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0x85 {
                finish(at: index)
                index += 2
                lineStart = index
                continue
            }
            if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 {
                finish(at: index)
                index += 3
                lineStart = index
                continue
            }
            if let width = whitespaceWidth(bytes, at: index) {
                index += width
                continue
            }
            if contentStart == nil { contentStart = index }
            // Advance over one whole UTF-8 character.
            let width = byte < 0x80 ? 1 : byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
            index = min(index + width, bytes.count)
            contentEnd = index
        }
        finish(at: index)
        return lines
    }

    private static func describe(_ scalar: Unicode.Scalar) -> String {
        let hex = "U+" + String(scalar.value, radix: 16, uppercase: true)
        if scalar.properties.isWhitespace || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
            return hex
        }
        return "'\(scalar)' (\(hex))"
    }
}
