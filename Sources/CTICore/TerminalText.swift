/// The one rule for text that reaches a terminal: a control character from any input (a
/// customer name, a comment line, a file name, a CSV cell) must not act on the terminal —
/// erase a line, move the cursor, set the window title, fake a "VALID" banner. Every C0
/// control except tab (and line feed where lines belong), DEL and every C1 control is shown
/// as Swift writes it, `\u{1B}`; all other text passes unchanged.
public enum TerminalText {
    /// Text of several lines: line feeds stay, every other control is escaped.
    public static func lines(_ text: String) -> String { escaped(text, keepingLineFeeds: true) }

    /// Text that must stay one line (an error message, a table cell, a value in a line): line
    /// feeds are escaped too.
    public static func line(_ text: String) -> String { escaped(text, keepingLineFeeds: false) }

    /// Lines built one by one (each holding values from inputs), joined: a line feed inside a
    /// value is escaped, so a value can never add a line of its own (a fake "VALID").
    public static func joined(_ lines: [String]) -> String { lines.map(line).joined(separator: "\n") }

    /// Whether a scalar is escaped: C0 but tab, DEL, C1. A line feed is decided by the caller.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        return (value < 0x20 && value != 0x09) || (0x7F...0x9F).contains(value)
    }

    static func escaped(_ text: String, keepingLineFeeds: Bool) -> String {
        func escapes(_ scalar: Unicode.Scalar) -> Bool { isControl(scalar) && !(keepingLineFeeds && scalar == "\n") }
        // The common case, text without controls, is returned as it is.
        guard text.unicodeScalars.contains(where: escapes) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if escapes(scalar) {
                result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// JSON for a terminal. The JSON encoder escapes C0 already (JSON requires it) but writes
    /// DEL and C1 as they are; these bytes occur only inside strings (JSON's own syntax is
    /// ASCII), so they are replaced by their `\u00XX` escapes: the same JSON value, and no
    /// raw control reaches the terminal.
    public static func json(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 == 0x7F || $0 == 0xC2 }) else { return bytes }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 16)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x7F {
                result.append(contentsOf: Array("\\u007f".utf8))
            } else if byte == 0xC2, index + 1 < bytes.count, (0x80...0x9F).contains(bytes[index + 1]) {
                // U+0080...U+009F is C2 80...C2 9F in UTF-8.
                result.append(contentsOf: Array("\\u00\(String(bytes[index + 1], radix: 16))".utf8))
                index += 1
            } else {
                result.append(byte)
            }
            index += 1
        }
        return result
    }
}
