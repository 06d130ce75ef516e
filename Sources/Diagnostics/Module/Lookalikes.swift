/// Characters that look like a Latin letter or digit but are another character: the
/// homoglyphs a name gets from a keyboard layout, a word processor or a web page. Not all of
/// Unicode's confusables, but those that occur in typed and pasted names: Cyrillic and Greek
/// capitals and small letters, fullwidth forms, mathematical letters, circled letters, small
/// capitals, Roman numerals, and the digits 0 and 1 typed for O, I and l.
enum Lookalikes {
    /// The ASCII letters (or digits) a scalar can be taken for; empty when it looks like none.
    static func letters(for scalar: Unicode.Scalar) -> Set<Character> {
        let value = scalar.value
        if let letter = single[value] { return [letter] }
        switch value {
        case 0x30: return ["O", "o"]
        case 0x31: return ["I", "l"]
        case 0xFF21...0xFF3A, 0xFF41...0xFF5A, 0xFF10...0xFF19:  // fullwidth: ASCII + 0xFEE0
            return fromASCII(value - 0xFEE0)
        case 0x1D400...0x1D6A3:  // mathematical letters: 13 styles of A–Z then a–z
            let index = (value - 0x1D400) % 52
            return fromASCII(index < 26 ? 0x41 + index : 0x61 + index - 26)
        case 0x1D7CE...0x1D7FF:  // mathematical digits: 5 styles of 0–9
            return fromASCII(0x30 + (value - 0x1D7CE) % 10)
        case 0x24B6...0x24CF: return fromASCII(0x41 + value - 0x24B6)  // circled capitals
        case 0x24D0...0x24E9: return fromASCII(0x61 + value - 0x24D0)  // circled small letters
        default: return []
        }
    }

    /// An ASCII letter, or the letters a digit 0 or 1 is taken for.
    private static func fromASCII(_ value: UInt32) -> Set<Character> {
        guard let scalar = Unicode.Scalar(value) else { return [] }
        return value == 0x30 || value == 0x31 ? letters(for: scalar) : [Character(scalar)]
    }

    private static let single: [UInt32: Character] = {
        let pairs: [(String, Character)] = [
            // Cyrillic
            ("\u{0410}", "A"), ("\u{0412}", "B"), ("\u{0415}", "E"), ("\u{041A}", "K"), ("\u{041C}", "M"), ("\u{041D}", "H"),
            ("\u{041E}", "O"), ("\u{0420}", "P"), ("\u{0421}", "C"), ("\u{0422}", "T"), ("\u{0425}", "X"), ("\u{0423}", "Y"),
            ("\u{0405}", "S"), ("\u{0406}", "I"), ("\u{0408}", "J"), ("\u{0500}", "D"),
            ("\u{0430}", "a"), ("\u{0435}", "e"), ("\u{043E}", "o"), ("\u{0440}", "p"), ("\u{0441}", "c"), ("\u{0443}", "y"),
            ("\u{0445}", "x"), ("\u{0455}", "s"), ("\u{0456}", "i"), ("\u{0458}", "j"), ("\u{0501}", "d"), ("\u{04BB}", "h"),
            ("\u{051B}", "q"), ("\u{051D}", "w"),
            // Greek
            ("\u{0391}", "A"), ("\u{0392}", "B"), ("\u{0395}", "E"), ("\u{0396}", "Z"), ("\u{0397}", "H"), ("\u{0399}", "I"),
            ("\u{039A}", "K"), ("\u{039C}", "M"), ("\u{039D}", "N"), ("\u{039F}", "O"), ("\u{03A1}", "P"), ("\u{03A4}", "T"),
            ("\u{03A5}", "Y"), ("\u{03A7}", "X"), ("\u{03F9}", "C"), ("\u{037F}", "J"),
            ("\u{03BF}", "o"), ("\u{03BD}", "v"), ("\u{03B1}", "a"), ("\u{03B9}", "i"), ("\u{03C1}", "p"), ("\u{03C5}", "u"),
            ("\u{03F2}", "c"), ("\u{03F3}", "j"),
            // Latin look-alikes
            ("\u{0131}", "i"), ("\u{2113}", "l"), ("\u{0585}", "o"),
            // Roman numerals
            ("\u{2160}", "I"), ("\u{2164}", "V"), ("\u{2169}", "X"), ("\u{216C}", "L"), ("\u{216D}", "C"), ("\u{216E}", "D"), ("\u{216F}", "M"),
            ("\u{2170}", "i"), ("\u{2174}", "v"), ("\u{2179}", "x"), ("\u{217C}", "l"), ("\u{217D}", "c"), ("\u{217E}", "d"), ("\u{217F}", "m"),
            // Small capitals
            ("\u{1D00}", "A"), ("\u{0299}", "B"), ("\u{1D04}", "C"), ("\u{1D05}", "D"), ("\u{1D07}", "E"), ("\u{A730}", "F"),
            ("\u{0274}", "N"), ("\u{1D0F}", "O"), ("\u{0280}", "R"), ("\u{A731}", "S"), ("\u{1D1B}", "T"), ("\u{1D20}", "V"),
        ]
        var table: [UInt32: Character] = [:]
        for (text, letter) in pairs { if let scalar = text.unicodeScalars.first { table[scalar.value] = letter } }
        return table
    }()
}
