import CTICore

/// Writing text into XML as .NET's XmlWriter does, refusing what XML cannot hold.
enum XMLEscaping {
    /// Element content: `&` `<` `>` as references, a carriage return as `&#xD;` (a literal one
    /// would be read back as a line feed); tabs and line feeds stay.
    static func text(_ text: String, what: String, source: String) throws(CTIFailure) -> [UInt8] {
        try escaped(text, what: what, source: source, contentReference)
    }

    /// An attribute value for either quote: both quotes escaped too, and tabs and line feeds
    /// as references (literal ones would be read back as spaces).
    static func attribute(_ text: String, what: String, source: String) throws(CTIFailure) -> [UInt8] {
        try escaped(text, what: what, source: source) { scalar in
            switch scalar {
            case "\"": return "&quot;"
            case "'": return "&apos;"
            case "\t": return "&#x9;"
            case "\n": return "&#xA;"
            default: return contentReference(scalar)
            }
        }
    }

    private static func contentReference(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "&": return "&amp;"
        case "<": return "&lt;"
        case ">": return "&gt;"
        case "\r": return "&#xD;"
        default: return nil
        }
    }

    private static func escaped(_ text: String, what: String, source: String, _ reference: (Unicode.Scalar) -> String?) throws(CTIFailure) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            guard UTF8Text.isXMLCharacter(scalar.value) else {
                let code = String(scalar.value, radix: 16, uppercase: true)
                throw CTIFailure.quoting(.configEditValueInvalid, "\(source): \(what) holds the character U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code), which XML cannot hold; remove it")
            }
            if let reference = reference(scalar) {
                output.append(contentsOf: reference.utf8)
            } else {
                output.append(contentsOf: String(scalar).utf8)
            }
        }
        return output
    }
}
