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
        var lines = armored.comments.map(Self.sanitizeComment)
        lines.append(beginLine)
        var rest = Substring(armored.compact)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(Self.lineWidth)))
            rest = rest.dropFirst(Self.lineWidth)
        }
        lines.append(endLine)
        return lines.joined(separator: "\n") + "\n"
    }

    /// A comment may not break the armor: one line, never starting with dashes.
    private static func sanitizeComment(_ text: String) -> String {
        let oneLine = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return oneLine.hasPrefix("-") ? " " + oneLine : oneLine
    }

    public func read(_ bytes: [UInt8]) throws -> ArmoredText {
        var bytes = bytes[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        if bytes.allSatisfy({ Self.isWhitespaceByte($0) }) {
            throw SigningError.malformed("armor.empty", "the file is empty; expected a \(label.lowercased()) (\(beginLine) ...)")
        }
        guard !bytes.contains(0), let text = String(validating: bytes, as: UTF8.self) else {
            throw SigningError.malformed("armor.not-text", "the file is not text (binary data or not UTF-8); expected a \(label.lowercased())")
        }
        let lines = Self.splitLines(text)
        let begins = lines.indices.filter { lines[$0] == beginLine }
        let ends = lines.indices.filter { lines[$0] == endLine }
        if begins.count > 1 {
            throw SigningError.malformed("armor.multiple", "the file holds \(begins.count) \(label.lowercased())s; put each into its own file")
        }
        guard let begin = begins.first else {
            if !ends.isEmpty {
                throw SigningError.malformed("armor.truncated", "found \(endLine) but no \(beginLine): the beginning was cut off; copy the whole block")
            }
            return try readBare(lines)
        }
        guard let end = ends.first(where: { $0 > begin }) else {
            throw SigningError.malformed("armor.truncated", "found \(beginLine) but no \(endLine) after it: the text was cut off; copy the whole block")
        }
        let compact = try collectToken(lines[(begin + 1)..<end], firstLineNumber: begin + 2)
        let comments = lines[..<begin].filter { !$0.isEmpty }
        return ArmoredText(compact: compact, comments: Array(comments))
    }

    /// No armor: the bare compact JWS (the STARFACE module's "Lizenz" field), maybe wrapped.
    private func readBare(_ lines: [String]) throws -> ArmoredText {
        if let marker = lines.first(where: { $0.hasPrefix("-----BEGIN ") }) {
            throw SigningError.malformed("armor.wrong-label", "found \(marker) where a \(beginLine) block was expected; is this the right kind of file?")
        }
        let content = lines.enumerated().filter { !$0.element.isEmpty }
        guard let first = content.first else {
            throw SigningError.malformed("armor.empty", "the file is empty; expected a \(label.lowercased())")
        }
        let compact = try collectToken(content.map(\.element)[...], firstLineNumber: first.offset + 1, lineNumbers: content.map { $0.offset + 1 })
        let dots = compact.utf8.filter { $0 == UInt8(ascii: ".") }.count
        if dots > 2 && dots % 2 == 0 {
            throw SigningError.malformed("armor.multiple", "the text holds \(dots / 2) compact JWS tokens; put each \(label.lowercased()) into its own file")
        }
        return ArmoredText(compact: compact, comments: [])
    }

    /// Joins the body lines, dropping whitespace; anything outside the JWS alphabet is an
    /// error that names its line and column.
    private func collectToken(_ lines: ArraySlice<String>, firstLineNumber: Int, lineNumbers: [Int]? = nil) throws -> String {
        var token: [UInt8] = []
        for (offset, line) in lines.enumerated() {
            var column = 0
            for scalar in line.unicodeScalars {
                column += 1
                if Self.isWhitespace(scalar) { continue }
                guard scalar.isASCII, Self.isTokenByte(UInt8(scalar.value)) else {
                    let lineNumber = lineNumbers?[offset] ?? firstLineNumber + offset
                    throw SigningError.malformed(
                        "armor.invalid-character",
                        "line \(lineNumber), column \(column): character \(Self.describe(scalar)) cannot be part of a \(label.lowercased()); expected only A-Z a-z 0-9 - _ .")
                }
                token.append(UInt8(scalar.value))
            }
        }
        guard !token.isEmpty else {
            throw SigningError.malformed("armor.empty", "the \(beginLine) block is empty")
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

    private static func isWhitespaceByte(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    /// Lines split on LF, CRLF, CR, NEL or LINE SEPARATOR, each trimmed of whitespace at both
    /// ends. Works on the scalars once, in linear time (license files are read at every start).
    private static func splitLines(_ text: String) -> [String] {
        var lines: [String] = []
        let scalars = Array(text.unicodeScalars)
        var lineStart = 0
        var index = 0
        func emit(_ end: Int) {
            var first = lineStart
            var last = end
            while first < last, isWhitespace(scalars[first]) { first += 1 }
            while last > first, isWhitespace(scalars[last - 1]) { last -= 1 }
            var line = String.UnicodeScalarView()
            line.append(contentsOf: scalars[first..<last])
            lines.append(String(line))
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{85}" {
                emit(index)
                if scalar == "\r", index + 1 < scalars.count, scalars[index + 1] == "\n" { index += 1 }
                lineStart = index + 1
            }
            index += 1
        }
        emit(scalars.count)
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
