import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An ECMA-262 regular expression (the dialect of JSON Schema's `pattern`), run by Swift's
/// `Regex` engine (the standard library's, no Foundation). The ECMA pattern is parsed here and
/// rewritten into Swift's syntax so the two agree: `.`, `^`, `$`, `\d`, `\w`, `\s` mean
/// what ECMA-262 says (with the `u` flag: code points, not grapheme clusters), and ECMA syntax
/// errors and features Swift cannot run as ECMA does (lookbehind, `\b`) are refused instead of
/// guessed.
struct ECMARegex: Sendable {
    let source: String
    private let program: LazyRegex

    struct SyntaxError: Error {
        let reason: String
    }

    /// Checks the ECMA syntax now; the engine's own parse and compilation wait for the first
    /// match: most patterns of a schema are never used by one validation, and compiling them
    /// all was the largest part of the client's startup check (docs/performance.md).
    init(_ source: String) throws(SyntaxError) {
        self.source = source
        var translator = ECMARegexTranslator(source)
        program = LazyRegex(try translator.translate())
    }

    /// Compiles the engine's program now (a schema's loader that wants every error at load).
    func compile() throws(SyntaxError) {
        _ = try program.regex()
    }

    /// Whether the pattern matches anywhere in `text` (JSON Schema patterns are not anchored).
    /// A translated pattern the engine refuses (a translator defect: tests compile every
    /// pattern of config-schemas and of the official suite) matches nothing.
    func matches(_ text: String) -> Bool {
        guard let regex = try? program.regex() else { return false }
        return text.contains(regex)
    }
}

/// The engine's program for a translated pattern, made once, at first use, by whichever
/// thread needs it first (a schema is shared across threads).
private final class LazyRegex: @unchecked Sendable {  // the state is guarded by `lock`
    private let pattern: String
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var compiled: Result<Regex<AnyRegexOutput>, ECMARegex.SyntaxError>?

    init(_ pattern: String) {
        self.pattern = pattern
        pthread_mutex_init(lock, nil)
    }

    deinit {
        pthread_mutex_destroy(lock)
        lock.deallocate()
    }

    func regex() throws(ECMARegex.SyntaxError) -> Regex<AnyRegexOutput> {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        if let compiled { return try compiled.get() }
        let result: Result<Regex<AnyRegexOutput>, ECMARegex.SyntaxError>
        do {
            let regex = try Regex(pattern).matchingSemantics(.unicodeScalar)
            // The engine compiles its program at the first match: done here, once.
            _ = "".contains(regex)
            result = .success(regex)
        } catch {
            result = .failure(ECMARegex.SyntaxError(reason: "not supported by the regex engine (\(error))"))
        }
        compiled = result
        return try result.get()
    }
}

/// ECMA-262 (`u` flag) pattern → Swift regex syntax. Every literal is written as `\u{…}` (or as
/// itself when it is an ASCII letter or digit) so no ECMA literal can turn into Swift syntax.
struct ECMARegexTranslator {
    /// Counted repetitions beyond this are refused: the engine unrolls them.
    static let maxRepetition = 1000
    /// ECMA-262's `\s`: WhiteSpace and LineTerminator.
    /// (U+2000 and U+2001 listed apart: see `rangeMembers`.)
    static let whitespaceMembers = #"\u{9}-\u{D}\u{20}\u{A0}\u{1680}\u{2000}\u{2001}\u{2002}-\u{200A}\u{2028}\u{2029}\u{202F}\u{205F}\u{3000}\u{FEFF}"#
    static let digitMembers = "0-9"
    static let wordMembers = "A-Za-z0-9_"
    static let lineTerminators = #"\u{A}\u{D}\u{2028}\u{2029}"#

    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var output = ""
    private var groupNames: Set<String> = []
    private var depth = 0

    init(_ pattern: String) {
        scalars = Array(pattern.unicodeScalars)
    }

    mutating func translate() throws(ECMARegex.SyntaxError) -> String {
        try disjunction()
        if index < scalars.count { throw fail("unmatched ')'") }
        return output
    }

    private func fail(_ reason: String) -> ECMARegex.SyntaxError {
        ECMARegex.SyntaxError(reason: "\(reason) at character \(index + 1)")
    }

    private var current: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func peek(_ offset: Int) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private mutating func disjunction() throws(ECMARegex.SyntaxError) {
        try alternative()
        while current == "|" {
            index += 1
            output += "|"
            try alternative()
        }
    }

    private mutating func alternative() throws(ECMARegex.SyntaxError) {
        while let scalar = current, scalar != "|", scalar != ")" {
            try term()
        }
    }

    private mutating func term() throws(ECMARegex.SyntaxError) {
        guard let scalar = current else { return }
        var quantifiable = true
        switch scalar {
        case "^": index += 1; output += #"\A"#; quantifiable = false
        case "$": index += 1; output += #"\z"#; quantifiable = false
        case "\\" where peek(1) == "b" || peek(1) == "B":
            // Swift's engine, matching code points, does not count digits as word characters
            // at a boundary ("2 " has none for it), and ECMA's rule needs lookbehind.
            throw fail("word boundaries (\\b, \\B) are not supported")
        case "(": quantifiable = try group()
        case "[": try characterClass()
        case ".": index += 1; output += "[^\(Self.lineTerminators)]"
        case "\\": try atomEscape()
        case "*", "+", "?": throw fail("nothing to repeat")
        case "{":
            throw fail(quantifierBounds(at: index) != nil ? "nothing to repeat" : "lone '{' (write \\{)")
        case "}", "]": throw fail("lone '\(scalar)' (write \\\(scalar))")
        default: index += 1; output += Self.literal(scalar)
        }
        try quantifier(allowed: quantifiable)
    }

    /// `(`…`)`, returning whether a quantifier may follow (lookaheads: not under `u`).
    private mutating func group() throws(ECMARegex.SyntaxError) -> Bool {
        depth += 1
        guard depth <= 100 else { throw fail("groups nested deeper than 100") }
        defer { depth -= 1 }
        index += 1
        var quantifiable = true
        if current == "?" {
            switch (peek(1), peek(2)) {
            case (":", _): output += "(?:"; index += 2
            case ("=", _): output += "(?="; index += 2; quantifiable = false
            case ("!", _): output += "(?!"; index += 2; quantifiable = false
            case ("<", "="), ("<", "!"): throw fail("lookbehind is not supported")
            case ("<", _):
                index += 2
                let name = try groupName()
                guard groupNames.insert(name).inserted else { throw fail("duplicate group name '\(name)'") }
                output += "(?<\(name)>"
            default: throw fail("invalid group")
            }
        } else {
            output += "("
        }
        try disjunction()
        guard current == ")" else { throw fail("missing ')'") }
        index += 1
        output += ")"
        return quantifiable
    }

    /// A group name up to `>` (the `<` already read): ASCII letters, digits, `_`, `$`.
    private mutating func groupName() throws(ECMARegex.SyntaxError) -> String {
        var name = ""
        while let scalar = current, scalar != ">" {
            let isStart = (scalar.properties.isAlphabetic && scalar.isASCII) || scalar == "_"
            guard isStart || (!name.isEmpty && ("0"..."9").contains(scalar)) else {
                throw fail("invalid group name")
            }
            name.unicodeScalars.append(scalar)
            index += 1
        }
        guard current == ">", !name.isEmpty else { throw fail("invalid group name") }
        index += 1
        return name
    }

    private mutating func quantifier(allowed: Bool) throws(ECMARegex.SyntaxError) {
        guard let scalar = current else { return }
        let text: String
        switch scalar {
        case "*", "+", "?": text = String(scalar); index += 1
        case "{":
            guard let (bounds, length) = quantifierBounds(at: index) else { throw fail("lone '{' (write \\{)") }
            if let upper = bounds.upper, upper < bounds.lower { throw fail("numbers out of order in {} quantifier") }
            guard max(bounds.lower, bounds.upper ?? 0) <= Self.maxRepetition else {
                throw fail("repetition count above \(Self.maxRepetition)")
            }
            switch bounds.upper {
            case bounds.lower: text = "{\(bounds.lower)}"
            case nil: text = "{\(bounds.lower),}"
            case let upper?: text = "{\(bounds.lower),\(upper)}"
            }
            index += length
        default: return
        }
        guard allowed else { throw fail("nothing to repeat") }
        output += text
        if current == "?" { output += "?"; index += 1 }
        if let next = current, next == "*" || next == "+" || next == "?" || (next == "{" && quantifierBounds(at: index) != nil) {
            throw fail("nothing to repeat")
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` at `start`: the bounds (nil upper: unbounded) and the length.
    private func quantifierBounds(at start: Int) -> (bounds: (lower: Int, upper: Int?), length: Int)? {
        var position = start + 1
        func number() -> Int? {
            var value: Int?
            while position < scalars.count, ("0"..."9").contains(scalars[position]) {
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
    private mutating func atomEscape() throws(ECMARegex.SyntaxError) {
        index += 1
        guard let scalar = current else { throw fail("'\\' at the end of the pattern") }
        switch scalar {
        case "d": index += 1; output += "[\(Self.digitMembers)]"
        case "D": index += 1; output += "[^\(Self.digitMembers)]"
        case "w": index += 1; output += "[\(Self.wordMembers)]"
        case "W": index += 1; output += "[^\(Self.wordMembers)]"
        case "s": index += 1; output += "[\(Self.whitespaceMembers)]"
        case "S": index += 1; output += "[^\(Self.whitespaceMembers)]"
        case "p", "P": output += try propertyEscape()
        case "1"..."9", "k":
            // ECMA gives a group that holds nothing (not reached, or cleared by a repetition)
            // the empty string; Swift's engine fails there or keeps an older capture.
            throw fail("backreferences are not supported")
        default:
            output += Self.literal(try characterEscape(inClass: false))
        }
    }

    /// `\p{…}` / `\P{…}`: Unicode properties, passed to the engine (which refuses unknown names).
    private mutating func propertyEscape() throws(ECMARegex.SyntaxError) -> String {
        let negated = current == "P"
        index += 1
        guard current == "{" else { throw fail("invalid property escape") }
        index += 1
        var name = ""
        while let scalar = current, scalar != "}" {
            guard scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "=" else {
                throw fail("invalid property name")
            }
            name.unicodeScalars.append(scalar)
            index += 1
        }
        guard current == "}", !name.isEmpty else { throw fail("invalid property escape") }
        index += 1
        return (negated ? #"\P{"# : #"\p{"#) + name + "}"
    }

    /// A character escape (after `\`, `\` already read) that stands for one code point.
    private mutating func characterEscape(inClass: Bool) throws(ECMARegex.SyntaxError) -> Unicode.Scalar {
        guard let scalar = current else { throw fail("'\\' at the end of the pattern") }
        index += 1
        switch scalar {
        case "t": return "\u{9}"
        case "n": return "\u{A}"
        case "v": return "\u{B}"
        case "f": return "\u{C}"
        case "r": return "\u{D}"
        case "b" where inClass: return "\u{8}"
        case "-" where inClass: return "-"
        case "0":
            if let next = current, ("0"..."9").contains(next) { throw fail("invalid octal escape") }
            return "\u{0}"
        case "c":
            guard let letter = current, letter.isASCII, letter.properties.isAlphabetic else { throw fail("invalid control escape") }
            index += 1
            return Unicode.Scalar(letter.value % 32) ?? "\u{0}"
        case "x":
            guard let value = hexDigits(count: 2) else { throw fail("invalid \\x escape") }
            return Unicode.Scalar(value) ?? "\u{0}"
        case "u": return try unicodeEscape()
        case "^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/":
            return scalar
        default:
            throw fail("invalid escape '\\\(scalar)'")
        }
    }

    /// `\uXXXX` (a surrogate pair written as two) or `\u{…}`, the `\u` already read.
    private mutating func unicodeEscape() throws(ECMARegex.SyntaxError) -> Unicode.Scalar {
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
            guard current == "}", digits > 0, let result = Unicode.Scalar(value) else { throw fail("invalid \\u{} escape") }
            index += 1
            return result
        }
        guard let high = hexDigits(count: 4) else { throw fail("invalid \\u escape") }
        if (0xD800...0xDBFF).contains(high), peek(0) == "\\", peek(1) == "u" {
            let saved = index
            index += 2
            if let low = hexDigits(count: 4), (0xDC00...0xDFFF).contains(low),
               let pair = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) {
                return pair
            }
            index = saved
        }
        guard let result = Unicode.Scalar(high) else { throw fail("lone surrogate \\u\(String(high, radix: 16))") }
        return result
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

    /// One member of a class: a code point (may bound a range), or a class escape's members.
    private enum ClassAtom {
        case scalar(Unicode.Scalar)
        case set(String)
    }

    private mutating func characterClass() throws(ECMARegex.SyntaxError) {
        index += 1
        let negated = current == "^"
        if negated { index += 1 }
        var members = ""
        while current != nil, current != "]" {
            let first = try classAtom()
            guard current == "-", let next = peek(1), next != "]" else {
                members += Self.members(of: first)
                continue
            }
            index += 1
            let second = try classAtom()
            guard case let .scalar(low) = first, case let .scalar(high) = second else {
                throw fail("a class escape cannot bound a range")
            }
            guard low.value <= high.value else { throw fail("range out of order in character class") }
            members += try rangeMembers(low.value, high.value)
        }
        guard current == "]" else { throw fail("missing ']'") }
        index += 1
        switch (members.isEmpty, negated) {
        case (true, false): output += #"[^\u{0}-\u{10FFFF}]"#  // `[]` matches nothing (and may be repeated)
        case (true, true): output += #"[\u{0}-\u{10FFFF}]"#  // `[^]` matches any code point
        default: output += "[" + (negated ? "^" : "") + members + "]"
        }
    }

    /// `low-high` as Swift class members. Swift refuses a range bound that Unicode maps to
    /// another code point (U+2000 is canonically U+2002), so such bounds are listed one by one
    /// and the range starts after / ends before them.
    private mutating func rangeMembers(_ low: UInt32, _ high: UInt32) throws(ECMARegex.SyntaxError) -> String {
        var low = low, high = high, members = ""
        while low <= high, !isRangeBound(low) {
            members += Self.literal(Unicode.Scalar(low) ?? "\u{0}")
            low += 1
        }
        while high > low, !isRangeBound(high) {
            members += Self.literal(Unicode.Scalar(high) ?? "\u{0}")
            high -= 1
        }
        guard low <= high else { return members }
        return members + Self.literal(Unicode.Scalar(low) ?? "\u{0}") + "-" + Self.literal(Unicode.Scalar(high) ?? "\u{0}")
    }

    private var boundChecks = 0

    /// Whether the engine takes this code point as a range bound (asked, at most 2,000 times a pattern).
    private mutating func isRangeBound(_ value: UInt32) -> Bool {
        guard let scalar = Unicode.Scalar(value) else { return true }  // surrogates: refused later by the engine
        if scalar.isASCII { return true }
        boundChecks += 1
        guard boundChecks <= 2000 else { return true }  // the engine then refuses the pattern
        if let known = Self.rangeBounds.withLock({ $0[value] }) { return known }
        let bound = Self.literal(scalar)
        let accepted = (try? Regex("[\(bound)-\(bound)]")) != nil
        Self.rangeBounds.withLock { $0[value] = accepted }
        return accepted
    }

    /// The engine's answer per code point, asked once per process: a schema's patterns name
    /// the same few bounds (`\u009F`) again and again, and asking compiles a regex.
    private static let rangeBounds = Mutex<[UInt32: Bool]>([:])

    private mutating func classAtom() throws(ECMARegex.SyntaxError) -> ClassAtom {
        guard let scalar = current else { throw fail("missing ']'") }
        guard scalar == "\\" else {
            index += 1
            return .scalar(scalar)
        }
        index += 1
        switch current {
        case "d": index += 1; return .set(Self.digitMembers)
        case "D": index += 1; return .set("[^\(Self.digitMembers)]")
        case "w": index += 1; return .set(Self.wordMembers)
        case "W": index += 1; return .set("[^\(Self.wordMembers)]")
        case "s": index += 1; return .set(Self.whitespaceMembers)
        case "S": index += 1; return .set("[^\(Self.whitespaceMembers)]")
        case "p", "P": return .set(try propertyEscape())
        default: return .scalar(try characterEscape(inClass: true))
        }
    }

    private static func members(of atom: ClassAtom) -> String {
        switch atom {
        case let .scalar(scalar): return literal(scalar)
        case let .set(members): return members
        }
    }

    /// A code point as Swift regex syntax that can only mean that code point.
    static func literal(_ scalar: Unicode.Scalar) -> String {
        if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
            return String(scalar)
        }
        return #"\u{"# + String(scalar.value, radix: 16, uppercase: true) + "}"
    }
}
