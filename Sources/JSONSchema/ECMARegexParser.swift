/// A parsed ECMA-262 pattern. Groups are not kept apart from what they hold: nothing reads a
/// capture (backreferences are refused), so `(a)` and `(?:a)` are the same node. Greedy and
/// lazy quantifiers are the same node too: they choose among matches, and a pattern here only
/// answers whether there is one.
indirect enum RegexNode {
    case empty
    case scalar(UInt32)  // a code point's value (a lone surrogate such as `\uD83D` matches nothing)
    case set(ScalarSet)
    case assertion(RegexAssertion)
    case lookahead(RegexNode, negated: Bool)
    case sequence([RegexNode])
    case alternation([RegexNode])
    case repetition(RegexNode, min: Int, max: Int?)
}

enum RegexAssertion {
    case start, end, wordBoundary, notWordBoundary
}

/// ECMA-262 pattern syntax with the `u` flag (what JSON Schema's `pattern` is) → `RegexNode`.
/// What ECMA-262 calls a syntax error is refused, and so is what this engine does not run
/// (lookbehind, backreferences, script properties), each with the character where it is.
struct ECMARegexParser {
    /// Counted repetitions beyond this are refused (the program repeats the atom).
    static let maxRepetition = 1000
    static let maxGroupDepth = 100

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var groupNames: Set<String> = []
    private var depth = 0

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    mutating func parse() throws(ECMARegex.SyntaxError) -> RegexNode {
        let node = try disjunction()
        if index < scalars.count { throw fail("unmatched ')'") }
        return node
    }

    private func fail(_ reason: String) -> ECMARegex.SyntaxError {
        ECMARegex.SyntaxError(reason: "\(reason) at character \(index + 1)")
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func disjunction() throws(ECMARegex.SyntaxError) -> RegexNode {
        var alternatives = [try alternative()]
        while current == "|" {
            index += 1
            alternatives.append(try alternative())
        }
        return alternatives.count == 1 ? alternatives[0] : .alternation(alternatives)
    }

    private mutating func alternative() throws(ECMARegex.SyntaxError) -> RegexNode {
        var terms: [RegexNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            terms.append(try term())
        }
        return terms.count == 1 ? terms[0] : (terms.isEmpty ? .empty : .sequence(terms))
    }

    private mutating func term() throws(ECMARegex.SyntaxError) -> RegexNode {
        let atom: RegexNode
        var quantifiable = true
        switch current {
        case "^": index += 1; atom = .assertion(.start); quantifiable = false
        case "$": index += 1; atom = .assertion(.end); quantifiable = false
        case "\\" where peek(1) == "b": index += 2; atom = .assertion(.wordBoundary); quantifiable = false
        case "\\" where peek(1) == "B": index += 2; atom = .assertion(.notWordBoundary); quantifiable = false
        case "(": (atom, quantifiable) = try group()
        case "[": atom = .set(try characterClass())
        case ".": index += 1; atom = .set(.notLineTerminator)
        case "\\": atom = try atomEscape()
        case "*", "+", "?": throw fail("nothing to repeat")
        case "{":
            throw fail(quantifierBounds(at: index) != nil ? "nothing to repeat" : "lone '{' (write \\{)")
        case let scalar? where scalar == "}" || scalar == "]": throw fail("lone '\(scalar)' (write \\\(scalar))")
        case let scalar?: index += 1; atom = .scalar(scalar.value)
        case nil: throw fail("unexpected end of the pattern")
        }
        return try quantified(atom, allowed: quantifiable)
    }

    /// `(`…`)`, and whether a quantifier may follow (lookaheads: not under `u`).
    private mutating func group() throws(ECMARegex.SyntaxError) -> (RegexNode, quantifiable: Bool) {
        depth += 1
        guard depth <= Self.maxGroupDepth else { throw fail("groups nested deeper than \(Self.maxGroupDepth)") }
        defer { depth -= 1 }
        index += 1
        var lookahead: Bool?  // the negation of a lookahead
        if current == "?" {
            switch (peek(1), peek(2)) {
            case (":", _): index += 2
            case ("=", _): index += 2; lookahead = false
            case ("!", _): index += 2; lookahead = true
            case ("<", "="), ("<", "!"): throw fail("lookbehind is not supported")
            case ("<", _):
                index += 2
                let name = try groupName()
                guard groupNames.insert(name).inserted else { throw fail("duplicate group name '\(name)'") }
            default: throw fail("invalid group")
            }
        }
        let inner = try disjunction()
        guard current == ")" else { throw fail("missing ')'") }
        index += 1
        guard let negated = lookahead else { return (inner, true) }
        return (.lookahead(inner, negated: negated), false)
    }

    /// A group name up to `>` (the `<` already read): ECMA's identifier characters (Unicode
    /// ID_Start / ID_Continue, `$`, `_`, ZWNJ and ZWJ after the first), also as `\u` escapes.
    private mutating func groupName() throws(ECMARegex.SyntaxError) -> String {
        var name = ""
        while let next = current, next != ">" {
            index += 1
            var value = next.value
            if next == "\\" {
                guard current == "u" else { throw fail("invalid group name") }
                index += 1
                value = try unicodeEscape()
            }
            guard let scalar = Unicode.Scalar(value), scalar == "$" || scalar == "_"
                || (name.isEmpty ? scalar.properties.isIDStart : scalar.properties.isIDContinue || scalar == "\u{200C}" || scalar == "\u{200D}")
            else { throw fail("invalid group name") }
            name.unicodeScalars.append(scalar)
        }
        guard current == ">", !name.isEmpty else { throw fail("invalid group name") }
        index += 1
        return name
    }

    private mutating func quantified(_ atom: RegexNode, allowed: Bool) throws(ECMARegex.SyntaxError) -> RegexNode {
        let bounds: (min: Int, max: Int?)
        switch current {
        case "*": bounds = (0, nil); index += 1
        case "+": bounds = (1, nil); index += 1
        case "?": bounds = (0, 1); index += 1
        case "{":
            guard let (counted, length) = quantifierBounds(at: index) else { throw fail("lone '{' (write \\{)") }
            if let upper = counted.upper, upper < counted.lower { throw fail("numbers out of order in {} quantifier") }
            guard max(counted.lower, counted.upper ?? 0) <= Self.maxRepetition else {
                throw fail("repetition count above \(Self.maxRepetition)")
            }
            bounds = (counted.lower, counted.upper)
            index += length
        default: return atom
        }
        guard allowed else { throw fail("nothing to repeat") }
        if current == "?" { index += 1 }  // lazy: the same node (see RegexNode)
        if let next = current, next == "*" || next == "+" || next == "?" || (next == "{" && quantifierBounds(at: index) != nil) {
            throw fail("nothing to repeat")
        }
        return .repetition(atom, min: bounds.min, max: bounds.max)
    }

    /// `{n}`, `{n,}` or `{n,m}` at `start`: the bounds (nil upper: unbounded) and the length.
    private func quantifierBounds(at start: Int) -> (bounds: (lower: Int, upper: Int?), length: Int)? {
        var position = start + 1
        func number() -> Int? {
            var value: Int?
            while position < scalars.count, Self.isDigit(scalars[position]) {
                value = min((value ?? 0) * 10 + Int(scalars[position].value - 48), Int(Int32.max))
                position += 1
            }
            return value
        }
        guard let lower = number() else { return nil }
        var upper: Int? = lower
        if position < scalars.count, scalars[position] == "," {
            position += 1
            upper = number()
        }
        guard position < scalars.count, scalars[position] == "}" else { return nil }
        return ((lower, upper), position + 1 - start)
    }

    /// `\` outside a class.
    private mutating func atomEscape() throws(ECMARegex.SyntaxError) -> RegexNode {
        index += 1
        if let set = try classEscape() { return .set(set) }
        switch current {
        case nil: throw fail("'\\' at the end of the pattern")
        case let digit? where digit == "k" || ("1"..."9").contains(digit):
            throw fail("backreferences are not supported")
        default: return .scalar(try characterEscape(inClass: false))
        }
    }

    /// `\d \D \w \W \s \S \p{…} \P{…}` (the `\` already read), or nil for another escape.
    private mutating func classEscape() throws(ECMARegex.SyntaxError) -> ScalarSet? {
        let set: ScalarSet
        switch current {
        case "d": set = .digits
        case "D": set = ScalarSet.digits.complement
        case "w": set = .wordCharacters
        case "W": set = ScalarSet.wordCharacters.complement
        case "s": set = .whiteSpace
        case "S": set = ScalarSet.whiteSpace.complement
        case "p": return try propertyEscape()
        case "P": return try propertyEscape().complement
        default: return nil
        }
        index += 1
        return set
    }

    /// `\p{name}`, `\p{name=value}` (the `\` read, at the `p` or `P`).
    private mutating func propertyEscape() throws(ECMARegex.SyntaxError) -> ScalarSet {
        index += 1
        guard current == "{" else { throw fail("invalid property escape") }
        index += 1
        let start = index
        var name = "", value: String?
        while let scalar = current, scalar != "}" {
            if scalar == "=", value == nil {
                value = ""
            } else if Self.isASCIILetter(scalar) || Self.isDigit(scalar) || scalar == "_" {
                if value == nil { name.unicodeScalars.append(scalar) } else { value?.unicodeScalars.append(scalar) }
            } else {
                throw fail("invalid property name")
            }
            index += 1
        }
        guard current == "}", !name.isEmpty, value?.isEmpty != true else { throw fail("invalid property escape") }
        index += 1
        switch UnicodeProperty.named(name, value: value) {
        case let .success(set): return set
        case let .failure(error):
            index = start
            throw fail(error.reason)
        }
    }

    /// A character escape (after `\`, `\` already read) that stands for one code point.
    private mutating func characterEscape(inClass: Bool) throws(ECMARegex.SyntaxError) -> UInt32 {
        guard let scalar = current else { throw fail("'\\' at the end of the pattern") }
        index += 1
        switch scalar {
        case "t": return 0x9
        case "n": return 0xA
        case "v": return 0xB
        case "f": return 0xC
        case "r": return 0xD
        case "b" where inClass: return 0x8
        case "-" where inClass: return 0x2D
        case "0":
            if let next = current, Self.isDigit(next) { throw fail("invalid octal escape") }
            return 0
        case "c":
            guard let letter = current, Self.isASCIILetter(letter) else { throw fail("invalid control escape") }
            index += 1
            return letter.value % 32
        case "x":
            guard let value = hexDigits(count: 2) else { throw fail("invalid \\x escape") }
            return value
        case "u": return try unicodeEscape()
        case "^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/":
            return scalar.value
        default:
            throw fail("invalid escape '\\\(scalar)'")
        }
    }

    /// `\uXXXX` (a surrogate pair written as two joined) or `\u{…}`, the `\u` already read.
    private mutating func unicodeEscape() throws(ECMARegex.SyntaxError) -> UInt32 {
        if current == "{" {
            index += 1
            var value: UInt32 = 0
            var digits = 0
            while let scalar = current, scalar != "}" {
                guard let digit = Self.hexValue(scalar) else { throw fail("invalid \\u{} escape") }
                value = min(value * 16 + digit, 0x11_0000)
                digits += 1
                index += 1
            }
            guard current == "}", digits > 0, value <= 0x10FFFF else { throw fail("invalid \\u{} escape") }
            index += 1
            return value
        }
        guard let high = hexDigits(count: 4) else { throw fail("invalid \\u escape") }
        if (0xD800...0xDBFF).contains(high), peek(0) == "\\", peek(1) == "u" {
            let saved = index
            index += 2
            if let low = hexDigits(count: 4), (0xDC00...0xDFFF).contains(low) {
                return 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            }
            index = saved
        }
        return high
    }

    private mutating func hexDigits(count: Int) -> UInt32? {
        var value: UInt32 = 0
        for offset in 0..<count {
            guard let scalar = peek(offset), let digit = Self.hexValue(scalar) else { return nil }
            value = value * 16 + digit
        }
        index += count
        return value
    }

    private static func hexValue(_ scalar: Unicode.Scalar) -> UInt32? {
        switch scalar {
        case "0"..."9": return scalar.value - 48
        case "a"..."f": return scalar.value - 87
        case "A"..."F": return scalar.value - 55
        default: return nil
        }
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { ("0"..."9").contains(scalar) }

    private static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
    }

    /// `[…]` or `[^…]`.
    private mutating func characterClass() throws(ECMARegex.SyntaxError) -> ScalarSet {
        index += 1
        let negated = current == "^"
        if negated { index += 1 }
        var members = ScalarSet()
        while current != nil, current != "]" {
            let first = try classAtom()
            guard current == "-", let next = peek(1), next != "]" else {
                members.formUnion(first.members)
                continue
            }
            index += 1
            let second = try classAtom()
            guard case let .scalar(low) = first, case let .scalar(high) = second else {
                throw fail("a class escape cannot bound a range")
            }
            guard low <= high else { throw fail("range out of order in character class") }
            members.formUnion(ScalarSet(ranges: [low...high]))
        }
        guard current == "]" else { throw fail("missing ']'") }
        index += 1
        return negated ? members.complement : members
    }

    /// One member of a class: a code point (may bound a range), or a class escape's members.
    private enum ClassAtom {
        case scalar(UInt32)
        case set(ScalarSet)

        var members: ScalarSet {
            switch self {
            case let .scalar(value): return ScalarSet(ranges: [value...value])
            case let .set(set): return set
            }
        }
    }

    private mutating func classAtom() throws(ECMARegex.SyntaxError) -> ClassAtom {
        guard let scalar = current else { throw fail("missing ']'") }
        index += 1
        guard scalar == "\\" else { return .scalar(scalar.value) }
        if let set = try classEscape() { return .set(set) }
        return .scalar(try characterEscape(inClass: true))
    }
}
