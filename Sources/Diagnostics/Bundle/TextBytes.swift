/// The byte classes and small text helpers the redaction rules share.
extension UInt8 {
    var isDigit: Bool { self >= 0x30 && self <= 0x39 }
    var isLetter: Bool { (self | 0x20) >= 0x61 && (self | 0x20) <= 0x7A }
    var isHexDigit: Bool { isDigit || ((self | 0x20) >= 0x61 && (self | 0x20) <= 0x66) }
    /// Letters, digits, `_` and every byte of a non-ASCII character (an umlaut in a name).
    var isWordByte: Bool { isLetter || isDigit || self == 0x5F || self >= 0x80 }
    var isSpace: Bool { self == 0x20 || self == 0x09 || self == 0x0D || self == 0x0A }
    var isBase64URL: Bool { isLetter || isDigit || self == 0x2D || self == 0x5F || self == 0x3D }
    var asciiLowercased: UInt8 { self >= 0x41 && self <= 0x5A ? self | 0x20 : self }
}

extension String {
    var trimmingTrailingDots: String {
        var text = Substring(self)
        while text.last == "." { text = text.dropLast() }
        return String(text)
    }
}
