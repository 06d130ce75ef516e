/// The spellings of German text a Windows log may hold: composed (NFC, what .NET writes),
/// decomposed (NFD, a base letter and U+0308 — text that went through macOS or a web form)
/// and Windows-1252 (log4net's default file encoding on Windows). Only the umlauts have a
/// decomposed form in German; ß has none.
enum GermanLetters {
    private static let umlauts: [(base: Unicode.Scalar, composed: Unicode.Scalar)] = [
        ("A", "Ä"), ("O", "Ö"), ("U", "Ü"), ("a", "ä"), ("o", "ö"), ("u", "ü"),
    ]
    private static let diaeresis: Unicode.Scalar = "\u{0308}"

    /// The text with every decomposed umlaut composed.
    static func composed(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == diaeresis, let last = result.last, let umlaut = umlauts.first(where: { $0.base == last }) {
                result.removeLast()
                result.append(umlaut.composed)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// The text with every umlaut decomposed.
    static func decomposed(_ text: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if let umlaut = umlauts.first(where: { $0.composed == scalar }) {
                result.append(umlaut.base)
                result.append(diaeresis)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// The text's bytes in Windows-1252, where that is Latin-1 (ASCII and U+00A0...U+00FF, so
    /// every German letter); nil for text with other characters.
    static func windows1252(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        for scalar in text.unicodeScalars {
            guard scalar.value < 0x80 || (0xA0...0xFF).contains(scalar.value) else { return nil }
            bytes.append(UInt8(scalar.value))
        }
        return bytes
    }

    /// Every spelling of the text as bytes, each once.
    static func spellings(_ text: String) -> [[UInt8]] {
        var result: [[UInt8]] = []
        for bytes in [Array(text.utf8), Array(decomposed(text).utf8), windows1252(text)].compactMap({ $0 }) where !result.contains(bytes) {
            result.append(bytes)
        }
        return result
    }
}
