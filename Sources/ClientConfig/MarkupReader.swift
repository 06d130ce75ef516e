import CTICore

/// A strict, small XML 1.0 reader for settings files, without Foundation: UTF-8 only (with or
/// without a byte order mark), no DOCTYPE (so no entity can be declared, internal or external),
/// the five predefined entities and character references, comments, CDATA and processing
/// instructions. Anything else that is not well-formed XML is refused with the line and column.
/// It never recurses, so deep nesting cannot exhaust the stack; `depthLimit` bounds it anyway.
public struct MarkupReader {
    private let bytes: [UInt8]
    private let errors: SourceErrors
    private let depthLimit: Int
    private var index: Int

    /// Reads a whole document and returns its root element.
    public static func document(_ bytes: [UInt8], source: String, depthLimit: Int) throws(CTIFailure) -> MarkupElement {
        var reader = MarkupReader(bytes: bytes, source: source, depthLimit: depthLimit)
        return try reader.readDocument()
    }

    /// Reads XML content (text, elements, comments) that must stand on its own between a start
    /// and an end tag: a new value of a `serializeAs="Xml"` setting.
    static func checkContent(_ bytes: [UInt8], source: String, depthLimit: Int) throws(CTIFailure) {
        var reader = MarkupReader(bytes: bytes, source: source, depthLimit: depthLimit)
        try reader.checkCharacters()
        _ = try reader.readElement(fragment: true)
    }

    private init(bytes: [UInt8], source: String, depthLimit: Int) {
        self.bytes = bytes
        self.errors = SourceErrors(source: source, bytes: bytes)
        self.depthLimit = depthLimit
        self.index = 0
    }

    // MARK: - Document

    private mutating func readDocument() throws(CTIFailure) -> MarkupElement {
        try checkEncoding()
        try checkCharacters()
        if bytes.starts(with: UTF8Text.byteOrderMark) { index = 3 }
        if startsWith("<?xml") && index + 5 < bytes.count && (UTF8Text.isWhitespace(bytes[index + 5]) || bytes[index + 5] == UInt8(ascii: "?")) {
            try readDeclaration()
        }
        var root: MarkupElement?
        while true {
            skipWhitespace()
            if index >= bytes.count { break }
            if startsWith("<!--") {
                try readComment()
            } else if startsWith("<?") {
                try readInstruction()
            } else if startsWith("<!") {
                try refuseDeclaration()
            } else if bytes[index] == UInt8(ascii: "<") && root == nil {
                root = try readElement()
            } else if bytes[index] == UInt8(ascii: "<") {
                throw fail(at: index, "a second root element; a settings file has one <configuration> element")
            } else {
                throw fail(at: index, "text outside the root element")
            }
        }
        guard let root else { throw fail(at: index, "no root element; expected <configuration>") }
        return root
    }

    /// Refuses what cannot be UTF-8 before reading any of it, so the message says what to do.
    private func checkEncoding() throws(CTIFailure) {
        let marks: [([UInt8], String)] = [
            ([0x00, 0x00, 0xFE, 0xFF], "UTF-32"), ([0xFF, 0xFE, 0x00, 0x00], "UTF-32"),
            ([0xFE, 0xFF], "UTF-16"), ([0xFF, 0xFE], "UTF-16"),
        ]
        for (mark, name) in marks where bytes.starts(with: mark) {
            throw errors.failure(.configUnsupportedEncoding, at: 0, "the file is \(name) (byte order mark); only UTF-8 is read: save it as UTF-8")
        }
    }

    /// Every byte sequence must be UTF-8 and every character one XML allows (no NUL, no
    /// control characters but tab and line ends, no U+FFFE/U+FFFF).
    private func checkCharacters() throws(CTIFailure) {
        var offset = 0
        while offset < bytes.count {
            let lead = bytes[offset]
            if lead < 0x80 {
                if !UTF8Text.isXMLCharacter(UInt32(lead)) {
                    throw errors.failure(.configMalformedXML, at: offset, "character U+\(hex(UInt32(lead))) is not allowed in XML")
                }
                offset += 1
                continue
            }
            let length: Int
            var scalar: UInt32
            switch lead {
            case 0xC2...0xDF: length = 2; scalar = UInt32(lead & 0x1F)
            case 0xE0...0xEF: length = 3; scalar = UInt32(lead & 0x0F)
            case 0xF0...0xF4: length = 4; scalar = UInt32(lead & 0x07)
            default: throw errors.failure(.configUnsupportedEncoding, at: offset, "byte 0x\(hex(UInt32(lead))) is not UTF-8; save the file as UTF-8")
            }
            guard offset + length <= bytes.count else {
                throw errors.failure(.configUnsupportedEncoding, at: offset, "the file ends inside a UTF-8 character")
            }
            for next in bytes[(offset + 1)..<(offset + length)] {
                guard next & 0xC0 == 0x80 else {
                    throw errors.failure(.configUnsupportedEncoding, at: offset, "byte 0x\(hex(UInt32(lead))) starts no valid UTF-8 character; save the file as UTF-8")
                }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            let shortest: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
            guard scalar >= shortest, !(0xD800...0xDFFF).contains(scalar), scalar <= 0x10FFFF else {
                throw errors.failure(.configUnsupportedEncoding, at: offset, "an invalid UTF-8 sequence; save the file as UTF-8")
            }
            guard UTF8Text.isXMLCharacter(scalar) else {
                throw errors.failure(.configMalformedXML, at: offset, "character U+\(hex(scalar)) is not allowed in XML")
            }
            offset += length
        }
    }

    /// `<?xml version="1.0" encoding="utf-8" standalone="yes"?>`: the encoding, when named, must be UTF-8.
    private mutating func readDeclaration() throws(CTIFailure) {
        let start = index
        index += 5
        let attributes = try readAttributes(closedBy: "?>", in: "the XML declaration")
        for attribute in attributes {
            switch attribute.name {
            case "version":
                guard attribute.value.hasPrefix("1.") else { throw fail(at: attribute.range.lowerBound, "XML version \(attribute.value) is not 1.x") }
            case "encoding":
                let name = attribute.value.lowercased()
                guard name == "utf-8" || name == "utf8" else {
                    throw errors.failure(.configUnsupportedEncoding, at: attribute.range.lowerBound, "the file declares encoding \"\(attribute.value)\"; only UTF-8 is read: save it as UTF-8")
                }
            case "standalone": break
            default: throw fail(at: attribute.range.lowerBound, "unknown `\(attribute.name)` in the XML declaration")
            }
        }
        guard attributes.first?.name == "version" else { throw fail(at: start, "the XML declaration must start with version=\"1.0\"") }
    }

    private func refuseDeclaration() throws(CTIFailure) -> Never {
        if startsWith("<!DOCTYPE") {
            throw errors.failure(.configDoctypeRefused, at: index, "a DOCTYPE is refused (it could declare entities, even external ones); a .NET settings file has none: remove it")
        }
        throw fail(at: index, "unexpected `<!`; expected a comment `<!--`, CDATA `<![CDATA[` or an element")
    }

    // MARK: - Elements

    /// One element with everything inside it, read with an explicit stack instead of recursion.
    /// A fragment is the content of an element whose tags are not in `bytes`: it ends at the end.
    private mutating func readElement(fragment: Bool = false) throws(CTIFailure) -> MarkupElement {
        var open: [MarkupElement] = fragment
            ? [MarkupElement(name: "value", attributes: [], range: 0..<bytes.count, startTag: 0..<0, content: 0..<bytes.count, children: [])]
            : [try readStartTag(depth: 1)]
        if open[0].content == nil { return open[0] }
        var textStart: Int?
        while true {
            if fragment && open.count == 1 && (index >= bytes.count || startsWith("</")) {
                guard index >= bytes.count else { throw fail(at: index, "an end tag that closes no element of the value") }
                if let start = textStart { _ = try decodeText(start..<index) }
                return open[0]
            }
            guard index < bytes.count else {
                let unclosed = open[open.count - 1]
                throw fail(at: index, "the file ends before <\(unclosed.name)> opened at \(errors.position(unclosed.startTag.lowerBound)) is closed")
            }
            if bytes[index] != UInt8(ascii: "<") {
                if textStart == nil { textStart = index }
                index += 1
                continue
            }
            if let start = textStart {
                open[open.count - 1].children.append(.text(try decodeText(start..<index)))
                textStart = nil
            }
            if startsWith("</") {
                var element = open.removeLast()
                let contentEnd = index
                try readEndTag(of: element)
                element.content = element.startTag.upperBound..<contentEnd
                element.range = element.range.lowerBound..<index
                guard !open.isEmpty else { return element }
                open[open.count - 1].children.append(.element(element))
            } else if startsWith("<!--") {
                try readComment()
                open[open.count - 1].children.append(.other)
            } else if startsWith("<![CDATA[") {
                open[open.count - 1].children.append(.text(try readCDATA()))
            } else if startsWith("<?") {
                try readInstruction()
                open[open.count - 1].children.append(.other)
            } else if startsWith("<!") {
                try refuseDeclaration()
            } else {
                let element = try readStartTag(depth: open.count + 1)
                if element.content == nil {
                    open[open.count - 1].children.append(.element(element))
                } else {
                    open.append(element)
                }
            }
        }
    }

    /// `<name attr="v" ...>` or `<name ... />`; a self-closed element comes back with no content.
    private mutating func readStartTag(depth: Int) throws(CTIFailure) -> MarkupElement {
        let start = index
        if depth > depthLimit {
            throw errors.failure(.configTooDeep, at: start, "elements nested deeper than \(depthLimit) levels; a settings file is far flatter")
        }
        index += 1
        let name = try readName(what: "an element name after `<`")
        var attributes: [MarkupAttribute] = []
        let selfClosed: Bool
        if index < bytes.count, !UTF8Text.isWhitespace(bytes[index]), bytes[index] != UInt8(ascii: ">"), bytes[index] != UInt8(ascii: "/") {
            throw fail(at: index, "unexpected character in the tag <\(name)>")
        }
        attributes = try readAttributes(closedBy: ">", orSelfClosed: true, in: "<\(name)>")
        // Only the `/>` ending leaves a `/` before the `>`: after an attribute comes a quote.
        selfClosed = bytes[index - 2] == UInt8(ascii: "/")
        let tag = start..<index
        return MarkupElement(name: name, attributes: attributes, range: tag, startTag: tag, content: selfClosed ? nil : index..<index, children: [])
    }

    private mutating func readEndTag(of element: MarkupElement) throws(CTIFailure) {
        let start = index
        index += 2
        let name = try readName(what: "an element name after `</`")
        guard name == element.name else {
            throw fail(at: start, "</\(name)> does not close <\(element.name)> opened at \(errors.position(element.startTag.lowerBound))")
        }
        skipWhitespace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ">") else { throw fail(at: index, "expected `>` to end </\(name)>") }
        index += 1
    }

    /// Attributes up to the end of a tag (`>`, `/>` or `?>`): whitespace before each, a quoted
    /// value, no `<` in it, no name twice.
    private mutating func readAttributes(closedBy end: String, orSelfClosed: Bool = false, in tag: String) throws(CTIFailure) -> [MarkupAttribute] {
        var attributes: [MarkupAttribute] = []
        var names: Set<String> = []  // a set: a tag with a million attributes must not take quadratic time
        while true {
            let hadSpace = skipWhitespace()
            guard index < bytes.count else { throw fail(at: index, "the file ends inside \(tag)") }
            if startsWith(end) {
                index += end.utf8.count
                return attributes
            }
            if orSelfClosed && startsWith("/>") {
                index += 2
                return attributes
            }
            guard hadSpace else { throw fail(at: index, "expected a space before the attribute in \(tag)") }
            let start = index
            let name = try readName(what: "an attribute name or the end of \(tag)")
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { throw fail(at: index, "expected `=` after the attribute \(name) in \(tag)") }
            index += 1
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") else {
                throw fail(at: index, "the value of \(name) in \(tag) must be in quotes")
            }
            let quote = bytes[index]
            index += 1
            let valueStart = index
            while index < bytes.count && bytes[index] != quote {
                if bytes[index] == UInt8(ascii: "<") { throw fail(at: index, "`<` in the value of \(name) in \(tag); write &lt;") }
                index += 1
            }
            guard index < bytes.count else { throw fail(at: valueStart - 1, "the value of \(name) in \(tag) has no closing quote") }
            let value = try decodeReferences(valueStart..<index, attribute: true)
            index += 1
            guard names.insert(name).inserted else { throw fail(at: start, "the attribute \(name) appears twice in \(tag)") }
            attributes.append(MarkupAttribute(name: name, value: value, range: start..<index))
        }
    }

    /// An XML name: letters, digits, `_ : - .` and any non-ASCII character, not starting with a
    /// digit, `-` or `.`.
    private mutating func readName(what: String) throws(CTIFailure) -> String {
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            let isStart = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ":") || byte >= 0x80
            let isPart = (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            guard isStart || (isPart && index > start) else { break }
            index += 1
        }
        guard index > start else { throw fail(at: start, "expected \(what)") }
        return UTF8Text.string(bytes[start..<index])
    }

    // MARK: - Comments, instructions, CDATA, text

    private mutating func readComment() throws(CTIFailure) {
        let start = index
        index += 4
        while index < bytes.count {
            if startsWith("--") {
                guard index + 2 < bytes.count, bytes[index + 2] == UInt8(ascii: ">") else {
                    throw fail(at: index, "`--` inside a comment; XML allows it only in the closing `-->`")
                }
                index += 3
                return
            }
            index += 1
        }
        throw fail(at: start, "the comment is not closed with `-->`")
    }

    private mutating func readInstruction() throws(CTIFailure) {
        let start = index
        index += 2
        let target = try readName(what: "a processing instruction name after `<?`")
        if target.lowercased() == "xml" { throw fail(at: start, "the XML declaration `<?xml ...?>` is allowed only at the very start of the file") }
        while index < bytes.count {
            if startsWith("?>") {
                index += 2
                return
            }
            index += 1
        }
        throw fail(at: start, "the processing instruction is not closed with `?>`")
    }

    private mutating func readCDATA() throws(CTIFailure) -> String {
        let start = index
        index += 9
        let contentStart = index
        while index < bytes.count {
            if startsWith("]]>") {
                let text = normalizedLineEnds(UTF8Text.string(bytes[contentStart..<index]))
                index += 3
                return text
            }
            index += 1
        }
        throw fail(at: start, "the CDATA section is not closed with `]]>`")
    }

    private func decodeText(_ range: Range<Int>) throws(CTIFailure) -> String {
        var offset = range.lowerBound
        while offset + 2 < range.upperBound {
            if bytes[offset] == UInt8(ascii: "]") && bytes[offset + 1] == UInt8(ascii: "]") && bytes[offset + 2] == UInt8(ascii: ">") {
                throw fail(at: offset, "`]]>` in text; write ]]&gt;")
            }
            offset += 1
        }
        return try decodeReferences(range, attribute: false)
    }

    /// Replaces `&lt;` `&gt;` `&amp;` `&apos;` `&quot;` and `&#...;`, and normalises line ends
    /// (and, in attribute values, tabs and line ends to spaces) as XML 1.0 says.
    private func decodeReferences(_ range: Range<Int>, attribute: Bool) throws(CTIFailure) -> String {
        // Most text holds no reference, no CR and (in an attribute) no tab or line feed: it is
        // its bytes as they are (a quarter of reading a settings file went to the general way).
        let needsDecoding = bytes[range].contains {
            $0 == UInt8(ascii: "&") || $0 == UTF8Text.carriageReturn || (attribute && ($0 == UTF8Text.tab || $0 == UTF8Text.lineFeed))
        }
        guard needsDecoding else { return UTF8Text.string(bytes[range]) }
        var scalars = String.UnicodeScalarView()
        var chunkStart = range.lowerBound
        var offset = range.lowerBound
        func flush(_ end: Int) {
            var text = normalizedLineEnds(UTF8Text.string(bytes[chunkStart..<end]))
            if attribute {
                text = String(String.UnicodeScalarView(text.unicodeScalars.map { $0 == "\t" || $0 == "\n" ? " " : $0 }))
            }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while offset < range.upperBound {
            guard bytes[offset] == UInt8(ascii: "&") else {
                offset += 1
                continue
            }
            flush(offset)
            var end = offset + 1
            while end < range.upperBound && end - offset <= 12 && bytes[end] != UInt8(ascii: ";") { end += 1 }
            guard end < range.upperBound, bytes[end] == UInt8(ascii: ";") else {
                throw fail(at: offset, "`&` that starts no reference; write &amp; for a literal &")
            }
            let name = UTF8Text.string(bytes[(offset + 1)..<end])
            scalars.append(try referencedScalar(name, at: offset))
            offset = end + 1
            chunkStart = offset
        }
        flush(range.upperBound)
        return String(scalars)
    }

    private func referencedScalar(_ name: String, at offset: Int) throws(CTIFailure) -> Unicode.Scalar {
        switch name {
        case "lt": return "<"
        case "gt": return ">"
        case "amp": return "&"
        case "apos": return "'"
        case "quot": return "\""
        default: break
        }
        guard name.hasPrefix("#") else {
            throw errors.failure(.configUndefinedEntity, at: offset, "the entity &\(name); is not defined; only &lt; &gt; &amp; &apos; &quot; and character references are")
        }
        let digits = name.dropFirst()
        let number: UInt32?
        if digits.hasPrefix("x") {
            number = digits.count > 1 ? UInt32(digits.dropFirst(), radix: 16) : nil
        } else {
            number = UInt32(digits, radix: 10)
        }
        guard let number, digits.allSatisfy({ $0.isASCII && ($0.isHexDigit || $0 == "x") }) else {
            throw fail(at: offset, "&\(name); is not a character reference like &#65; or &#x41;")
        }
        guard UTF8Text.isXMLCharacter(number), let scalar = Unicode.Scalar(number) else {
            throw fail(at: offset, "&\(name); refers to a character XML does not allow")
        }
        return scalar
    }

    private func normalizedLineEnds(_ text: String) -> String {
        guard text.utf8.contains(UTF8Text.carriageReturn) else { return text }
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousWasCR = true
            } else {
                if !(scalar == "\n" && previousWasCR) { scalars.append(scalar) }
                previousWasCR = false
            }
        }
        return String(scalars)
    }

    // MARK: - Helpers

    private func startsWith(_ text: String) -> Bool {
        var offset = index
        for byte in text.utf8 {
            guard offset < bytes.count, bytes[offset] == byte else { return false }
            offset += 1
        }
        return true
    }

    @discardableResult
    private mutating func skipWhitespace() -> Bool {
        let start = index
        while index < bytes.count && UTF8Text.isWhitespace(bytes[index]) { index += 1 }
        return index > start
    }

    private func fail(at offset: Int, _ message: String) -> CTIFailure {
        errors.failure(.configMalformedXML, at: offset, message)
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
