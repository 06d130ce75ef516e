import CTICore

/// Where a byte offset lies for a person reading the file in an editor: line and column, both
/// from 1, columns counted in characters (Unicode scalars), CRLF and a lone CR ending a line
/// as XML reads them, a byte order mark not counted.
struct TextPosition: Sendable, Equatable, CustomStringConvertible {
    let line: Int
    let column: Int

    init(of offset: Int, in bytes: [UInt8]) {
        var line = 1
        var column = 1
        var index = bytes.starts(with: UTF8Text.byteOrderMark) ? 3 : 0
        let end = min(offset, bytes.count)
        while index < end {
            let byte = bytes[index]
            if byte == UTF8Text.lineFeed || (byte == UTF8Text.carriageReturn && (index + 1 >= bytes.count || bytes[index + 1] != UTF8Text.lineFeed)) {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 && byte != UTF8Text.carriageReturn {
                column += 1
            }
            index += 1
        }
        self.line = line
        self.column = column
    }

    var description: String { "\(line):\(column)" }
}

/// Builds the errors of a reader: every message names the input, the line and the column.
struct SourceErrors: Sendable {
    let source: String
    let bytes: [UInt8]

    func failure(_ code: ErrorCode, at offset: Int, _ message: String) -> CTIFailure {
        CTIFailure.quoting(code, "\(source):\(TextPosition(of: offset, in: bytes)): \(message)")
    }

    func position(_ offset: Int) -> TextPosition { TextPosition(of: offset, in: bytes) }
}

/// Byte constants and checks shared by the reader and the editor.
enum UTF8Text {
    static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let space: UInt8 = 0x20
    static let tab: UInt8 = 0x09

    static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || byte == lineFeed || byte == carriageReturn
    }

    static func isLineBreak(_ byte: UInt8) -> Bool { byte == lineFeed || byte == carriageReturn }

    /// Whether XML 1.0 allows this character anywhere in a document (its `Char` production).
    static func isXMLCharacter(_ scalar: UInt32) -> Bool {
        switch scalar {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    static func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}

extension CTIFailure {
    /// A failure whose message quotes the input (a path, a setting's name, an entity): its
    /// control characters are escaped, so the message stays one line that cannot act on a
    /// terminal.
    static func quoting(_ code: ErrorCode, _ message: String, german: String? = nil) -> CTIFailure {
        CTIFailure(code, TerminalText.line(message), german: german.map(TerminalText.line))
    }
}
