/// An ECMA-262 regular expression with the `u` flag (the dialect of JSON Schema's `pattern`),
/// parsed and run by this module's own engine: code points, not grapheme clusters; `.`, `^`,
/// `$`, `\d`, `\w`, `\s`, `\b` as ECMA-262 says; syntax errors and what the engine does not run
/// (lookbehind, backreferences, script properties) refused at parse, never guessed.
/// (Swift's `Regex` ran them before: its parse and its code were a tenth of the client's
/// startup check, docs/performance.md.)
struct ECMARegex: Sendable {
    let source: String
    private let program: RegexProgram

    struct SyntaxError: Error, Equatable {
        let reason: String
    }

    /// A match that ran out of steps (docs/json-schema.md): neither a match nor a mismatch.
    struct TooComplex: Error {}

    init(_ source: String) throws(SyntaxError) {
        self.source = source
        var parser = ECMARegexParser(source)
        program = try RegexProgram(try parser.parse())
    }

    /// Whether the pattern matches anywhere in `text` (JSON Schema patterns are not anchored).
    /// Throws when the step budget runs out (lookaheads on a long text), so a caller cannot
    /// take an unknown answer for either.
    func matches(_ text: String) throws(TooComplex) -> Bool {
        var matcher = RegexMatcher(program, text)
        switch matcher.search() {
        case .match: return true
        case .noMatch: return false
        case .tooComplex: throw TooComplex()
        }
    }
}
