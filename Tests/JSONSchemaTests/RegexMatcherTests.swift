import Foundation
@testable import JSONSchema
import Testing

/// The module's own ECMA-262 engine: what each construct matches, the refusals, and that no
/// pattern makes a match slow or deep (the automaton never backtracks; lookaheads are budgeted).
@Suite struct RegexMatcherTests {
    func matches(_ pattern: String, _ text: String) throws -> Bool {
        try ECMARegex(pattern).matches(text)
    }

    /// The texts of `texts` that `pattern` matches.
    func matching(_ pattern: String, _ texts: [String]) throws -> [String] {
        let regex = try ECMARegex(pattern)
        return try texts.filter { text throws in try regex.matches(text) }
    }

    func refusal(_ pattern: String) -> String? {
        do {
            _ = try ECMARegex(pattern)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test func quantifierBounds() throws {
        let texts = ["", "a", "aa", "aaa", "aaaa"]
        #expect(try matching("^a{2}$", texts) == ["aa"])
        #expect(try matching("^a{2,3}$", texts) == ["aa", "aaa"])
        #expect(try matching("^a{2,}$", texts) == ["aa", "aaa", "aaaa"])
        #expect(try matching("^a{0}$", texts) == [""])
        #expect(try matching("^a?$", texts) == ["", "a"])
        #expect(try matching("^a+$", texts) == ["a", "aa", "aaa", "aaaa"])
        #expect(try matching("^a*$", texts) == texts)
        #expect(try matching("^(?:ab){1,2}c$", ["c", "abc", "ababc", "abababc"]) == ["abc", "ababc"])
        #expect(try matching("^[0-9]{1,9}(\\.[0-9]{1,9})*$", ["10.11", "1", "1.", "1234567890", "1.2.3"]) == ["10.11", "1", "1.2.3"])
    }

    @Test func lazyAndGreedyAnswerAlike() throws {
        let texts = ["", "a", "ab", "aab", "b"]
        for (greedy, lazy) in [("^a*b$", "^a*?b$"), ("a+", "a+?"), ("^a?b", "^a??b"), ("^a{1,2}b$", "^a{1,2}?b$"), ("^a{1,}$", "^a{1,}?$")] {
            #expect(try matching(greedy, texts) == matching(lazy, texts), "\(greedy) / \(lazy)")
        }
    }

    @Test func alternationAndGroups() throws {
        let port = "^([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5])$"
        #expect(try matching(port, ["0", "1", "5222", "65535", "65536", "99999", "01"]) == ["1", "5222", "65535"])
        #expect(try matching("(^|/)\\.\\.?(/|$)", ["..", "a/./b", "a/..", "a..b", ".../x"]) == ["..", "a/./b", "a/.."])
        #expect(try matching("^(?<first>a)(b|)(?:c)$", ["abc", "ac", "bc"]) == ["abc", "ac"])
        #expect(try matching("^(?<é$>a)(?<\\u0042_1>b)$", ["ab"]) == ["ab"])  // ECMA's identifier characters
        #expect(refusal("(?<1a>x)")?.contains("invalid group name") == true)
        #expect(try matching("^(|a)*b$", ["b", "ab", "aab", "a"]) == ["b", "ab", "aab"])  // an empty iteration ends nothing
        #expect(try matching("^(a*)*$", ["", "aaa", "ab"]) == ["", "aaa"])
    }

    @Test func lookaheads() throws {
        let password = "^(?=.*\\d)(?=.*[a-z])\\S{6,}$"
        #expect(try matching(password, ["abc123", "abcdef", "123456", "abc 123", "a1"]) == ["abc123"])
        #expect(try matching("^(?!abc)\\w+$", ["abc", "abd", "xabc"]) == ["abd", "xabc"])
        #expect(try matching("^(?=(?!b)a)a", ["a", "b", "ab"]) == ["a", "ab"])  // nested
        #expect(try matching("a(?=b)", ["ab", "ac", "cab"]) == ["ab", "cab"])
        #expect(try matching("(?=$)", ["", "a"]) == ["", "a"])  // empty, at the end
        #expect(refusal("(?=a)*")?.contains("nothing to repeat") == true)
        #expect(refusal("(?<=a)b")?.contains("lookbehind is not supported") == true)
    }

    @Test func anchorsAndWordBoundaries() throws {
        #expect(try matching("^abc$", ["abc", "abc\n", "xabc", "ab"]) == ["abc"])
        #expect(try matching("\\bis\\b", ["is", "this", "it is.", "is_", "2is"]) == ["is", "it is."])
        #expect(try matching("\\Bis", ["is", "this", "it is"]) == ["this"])
        #expect(try matching("^\\b$", ["", "a"]) == [])
        #expect(try matching("a\\b", ["aé", "a1", "a"]) == ["aé", "a"])  // é is no word character
    }

    @Test func classes() throws {
        #expect(try matching("^[a-cx]+$", ["abcx", "abd", ""]) == ["abcx"])
        #expect(try matching("^[^a-c]$", ["a", "d", "🐲", "\n"]) == ["d", "🐲", "\n"])
        #expect(try matching("^[\\w-]+$", ["a-b_1", "a b", "é"]) == ["a-b_1"])
        #expect(try matching("^[^\\d\\s]$", ["1", " ", "a", "\u{FEFF}"]) == ["a"])
        #expect(try matching("^[\\D]$", ["1", "a"]) == ["a"])
        #expect(try matching("^[^\\u0000-\\u001F\\u007F-\\u009F]+$", ["ok", "tab\t", "\u{85}", "é"]) == ["ok", "é"])
        #expect(try matching("^[]$", ["", "a"]) == [])
        #expect(try matching("^[^]$", ["\n", "a", ""]) == ["\n", "a"])
        #expect(try matching("^[\\b]$", ["\u{8}", "b"]) == ["\u{8}"])
        #expect(try matching("^.$", ["\n", "\r", "\u{2028}", "\u{85}", "a"]) == ["\u{85}", "a"])
        #expect(refusal("[z-a]")?.contains("range out of order") == true)
        #expect(refusal("[\\w-a]")?.contains("class escape cannot bound a range") == true)
    }

    @Test func propertyEscapes() throws {
        #expect(try matching("^\\p{Lu}$", ["A", "a", "Σ", "1"]) == ["A", "Σ"])
        #expect(try matching("^\\p{gc=Ll}$", ["A", "a", "σ"]) == ["a", "σ"])
        #expect(try matching("^\\p{General_Category=Decimal_Number}+$", ["12", "\u{0663}", "Ⅻ"]) == ["12", "\u{0663}"])
        #expect(try matching("^\\p{L}+$", ["Größe", "a1"]) == ["Größe"])
        #expect(try matching("^\\p{Letter}$", ["ǅ", "-"]) == ["ǅ"])
        #expect(try matching("^\\P{L}$", ["a", "1", "🐲"]) == ["1", "🐲"])
        #expect(try matching("^\\p{LC}$", ["ǅ", "ª"]) == ["ǅ"])  // Lt is cased, Lo is not
        #expect(try matching("^[\\p{N}_]+$", ["1_Ⅻ", "a"]) == ["1_Ⅻ"])
        #expect(try matching("^[^\\P{Lu}]$", ["A", "a"]) == ["A"])
        #expect(try matching("^\\p{Alphabetic}$", ["a", "1"]) == ["a"])
        #expect(try matching("^\\P{White_Space}$", [" ", "a"]) == ["a"])
        #expect(try matching("^\\p{Emoji}$", ["🐲", "a"]) == ["🐲"])
        #expect(try matching("^\\p{ASCII}+$", ["abc", "é"]) == ["abc"])
        #expect(try matching("^\\p{Any}$", ["\n", "🐲"]) == ["\n", "🐲"])
        #expect(try matching("^\\p{Assigned}$", ["a", "\u{0378}"]) == ["a"])
        #expect(try matching("^\\p{Cn}$", ["a", "\u{0378}"]) == ["\u{0378}"])
        #expect(refusal("\\p{Script=Greek}")?.contains("script properties") == true)
        #expect(refusal("\\p{scx=Grek}")?.contains("script properties") == true)
        #expect(refusal("\\p{Extended_Pictographic}")?.contains("this Unicode property is not supported") == true)
        #expect(refusal("\\p{letter}")?.contains("unknown Unicode property") == true)  // names are case-sensitive
        #expect(refusal("\\p{gc=Alphabetic}")?.contains("unknown General_Category value") == true)
        #expect(refusal("\\p{L")?.contains("invalid property") == true)
    }

    @Test func astralCodePoints() throws {
        #expect(try matching("^.$", ["🐲", "e\u{301}"]) == ["🐲"])  // a code point, not a UTF-16 unit or a grapheme
        #expect(try matching("^..$", ["🐲", "e\u{301}"]) == ["e\u{301}"])
        #expect(try matching("^[🐰-🐲]$", ["🐱", "🐳", "a"]) == ["🐱"])
        #expect(try matching("^\\u{1F432}$", ["🐲"]) == ["🐲"])
        #expect(try matching("^\\uD83D\\uDC32$", ["🐲"]) == ["🐲"])
        #expect(try matching("^[\\uD83D\\uDC32]$", ["🐲"]) == ["🐲"])
        // A lone surrogate is a code point no JSON string holds: it parses and matches nothing.
        #expect(try matching("\\uD83D", ["🐲", "\u{FFFD}", ""]) == [])
        #expect(try matching("^[^\\uD800-\\uDFFF]$", ["🐲", "a"]) == ["🐲", "a"])
    }

    @Test func refusals() {
        #expect(refusal("(a)\\1")?.contains("backreferences are not supported") == true)
        #expect(refusal("\\k<n>(?<n>a)")?.contains("backreferences are not supported") == true)
        #expect(refusal("a**")?.contains("nothing to repeat") == true)
        #expect(refusal("a{1001}")?.contains("repetition count above 1000") == true)
        #expect(refusal("a{3,2}")?.contains("out of order") == true)
        #expect(refusal("(a")?.contains("missing ')'") == true)
        #expect(refusal("a)")?.contains("unmatched ')'") == true)
        #expect(refusal("\\q")?.contains("invalid escape") == true)
        #expect(refusal(String(repeating: "(", count: 101) + String(repeating: ")", count: 101))?.contains("nested deeper") == true)
    }

    @Test func countedRepetitionsThatWouldBeHugeAreRefused() {
        #expect(refusal("(a{1000}){1000}")?.contains("too large") == true)
        #expect(refusal("((){1000}){1000}")?.contains("too large") == true)  // no instructions, but a million nodes
        #expect(refusal("((((a{1000}){1000}){1000}){1000}){1000}")?.contains("too large") == true)
        #expect(refusal("[0-9]{1,1000}") == nil)
    }

    /// The classic catastrophic patterns of a backtracking engine: linear here.
    @Test(arguments: ["(a+)+$", "(a|a)*b", "(a*)*b", "^(a|aa)+$", "(.*a){20}x", "^(\\w+\\s?)*$"])
    func catastrophicPatternsStayLinear(_ pattern: String) throws {
        let text = String(repeating: "a", count: 20_000) + "!"
        #expect(try !matches(pattern, text))
    }

    @Test func longTextsNeedNoRecursion() throws {
        let text = String(repeating: "ab", count: 500_000)
        #expect(try matches("^(?:ab)*$", text))
        #expect(try matches("^[^ ]*$", text))
        #expect(try !matches("^(?:ab)*$", text + "a"))
    }

    /// The client's startup check must not pay for Swift's regex library: the module's compiled
    /// objects (beside the test bundle) refer to no symbol of `_StringProcessing` or
    /// `_RegexParser` (`Regex`, and also `contains(_:)` of a string, `firstRange(of:)`,
    /// `replacing(_:with:)`, `split(separator:)` with a string, which live there).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/nm"), "nm (binutils) is not installed"))
    func theModuleUsesNothingOfSwiftsRegexLibrary() throws {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var objects: [String] = []
        for _ in 0..<4 where objects.isEmpty {
            directory.deleteLastPathComponent()
            let candidate = directory.appendingPathComponent("JSONSchema.build").path
            objects = ((try? FileManager.default.contentsOfDirectory(atPath: candidate)) ?? []).filter { $0.hasSuffix(".o") }.map { candidate + "/" + $0 }
        }
        try #require(!objects.isEmpty, "no JSONSchema.build/*.o beside \(CommandLine.arguments[0])")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nm")
        process.arguments = ["-u"] + objects
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let symbols = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let regexSymbols = symbols.split(separator: "\n").filter { $0.contains("17_StringProcessing") || $0.contains("12_RegexParser") }
        #expect(regexSymbols.isEmpty, "\(regexSymbols.prefix(5))")
    }

    /// A lookahead starts a run at each position it is tried: on a long text that is quadratic,
    /// and the budget stops it with neither answer.
    @Test func lookaheadsRunOutOfTheirBudget() throws {
        let regex = try ECMARegex("(?=[ab]*c)")
        #expect(try regex.matches(String(repeating: "a", count: 1000) + "c"))
        #expect(throws: ECMARegex.TooComplex.self) { try regex.matches(String(repeating: "a", count: 20_000)) }
    }
}
