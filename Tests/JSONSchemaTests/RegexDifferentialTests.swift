import CTICore
import Foundation
@testable import JSONSchema
import Testing

/// The regex dialect checked against JavaScript's own engine: random patterns built from
/// ECMA-262 constructs, each compiled with `new RegExp(p, "u")` by Node.js and by ECMARegex,
/// and tried on random strings. A pattern JavaScript refuses must be refused; a pattern both
/// accept must match the same strings; a pattern only we refuse must be one of the refusals
/// docs/json-schema.md lists. Without `node` a local run skips (saying why); CI fails.
@Suite struct RegexDifferentialTests {
    static let node: String? = ["/usr/bin/node", "/usr/local/bin/node", "/usr/bin/nodejs"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static var usable: Bool { node != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    static let tokens = [
        "a", "b", "1", " ", "\\n", ".", "^", "$", "*", "+", "?", "??", "*?", "{2}", "{1,3}", "{2,}", "{", "}",
        "(", ")", "(?:", "(?=", "(?!", "(?<n>", "|", "[", "]", "[^", "-", "\\d", "\\D", "\\w", "\\W", "\\s",
        "\\S", "\\b", "\\1", "\\k<n>", "\\u0041", "\\u{1F432}", "\\x41", "\\t", "\\.", "\\\\", "\\-", "\\/",
        "é", "🐲", "\\p{L}", "\\P{Lu}", "\\cA", "\\0", "\\q", "/", ",", "[α-ω]", "[\\u2000-\\u200A]", "[^\\s]",
        "[\\w-]", "[\\w-a]", "[]", "[^]", "[\\b]", "[-a]", "(a|)", "a{0}", "\\uD83D\\uDC32", "\\v", "\\f",
        "\\B", "\\uD83D", "\\u{DC32}", "(?<=", "(?<!", "{0,}", "+?", "{1,2}?", "[a-c\\d]", "[^a\\P{L}]",
        "\\p{Letter}", "\\p{gc=Lu}", "\\p{General_Category=Decimal_Number}", "\\p{Nd}", "\\P{L}", "\\p{LC}",
        "\\p{Script=Greek}", "\\p{sc=Latn}", "\\p{Alphabetic}", "\\P{White_Space}", "\\p{ASCII}", "\\p{Any}",
        "\\p{Assigned}", "\\p{Emoji}", "\\p{Lowercase}", "\\p{Uppercase}", "\\p{ID_Start}", "\\p{Hex}",
        "\\p{Foo}", "\\p{gc=Foo}", "\\p{ExtPict}", "\\p{punct}", "\\p{Z}", "\\p{Sm}", "\\p{Mn}", "[\\p{N}_]",
        "(?<é$>", "(?<\\u0041>", "(?<1>", "(?<a\\u{200D}>",
    ]
    static let characters = ["a", "b", "1", " ", "\n", "é", "e\u{301}", "🐲", "A", "_", "-", "\u{A0}", "\u{2028}", "\u{0663}", "α", "\u{2005}", "\u{85}", "\u{FEFF}", "Σ", "Ⅻ", "+", "ǅ", "\u{E000}"]

    /// SplitMix64: the same patterns on every run, so a failure can be reproduced.
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// What we refuse although ECMA-262 accepts it (each documented in docs/json-schema.md).
    static let documentedRefusals = ["lookbehind", "backreferences", "script properties", "this Unicode property is not supported"]

    @Test(.enabled(if: usable, "node (Node.js) is not installed: the regex dialect is not compared with JavaScript's"))
    func patternsAgreeWithJavaScript() throws {
        let node = try #require(Self.node, "node (Node.js) is missing: CI needs it to compare the regex dialect")
        var generator = Seeded(state: 2026)
        var cases: [(pattern: String, texts: [String])] = []
        for _ in 0..<3000 {
            let pattern = (0..<Int.random(in: 1...7, using: &generator)).map { _ in Self.tokens.randomElement(using: &generator) ?? "" }.joined()
            let texts = (0..<6).map { _ in (0..<Int.random(in: 0...6, using: &generator)).map { _ in Self.characters.randomElement(using: &generator) ?? "" }.joined() }
            cases.append((pattern, texts))
        }
        let verdicts = try javaScriptVerdicts(cases, node: node)
        var same = 0, bothRefused = 0, refusedOnlyHere = 0
        for (testCase, verdict) in zip(cases, verdicts) {
            let regex: ECMARegex
            do {
                regex = try ECMARegex(testCase.pattern)
            } catch {
                if verdict == nil {
                    bothRefused += 1
                } else {
                    refusedOnlyHere += 1
                    #expect(Self.documentedRefusals.contains { error.reason.contains($0) }, "\(testCase.pattern.debugDescription): \(error.reason)")
                }
                continue
            }
            guard let matches = verdict else {
                Issue.record("\(testCase.pattern.debugDescription) is accepted, but ECMA-262 refuses it")
                continue
            }
            for (text, expected) in zip(testCase.texts, matches) {
                #expect(try regex.matches(text) == expected, "\(testCase.pattern.debugDescription) on \(text.debugDescription): JavaScript says \(expected)")
            }
            same += 1
        }
        print("regex vs JavaScript: \(same) patterns compared on 6 strings each, \(bothRefused) refused by both, \(refusedOnlyHere) refused here only (documented)")
        #expect(same > 500)
    }

    /// Per case: nil when JavaScript refuses the pattern, else whether it matches each text.
    func javaScriptVerdicts(_ cases: [(pattern: String, texts: [String])], node: String) throws -> [[Bool]?] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("regex-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("cases.json")
        let document = JSONValue.array(cases.map { .object(["p": .string($0.pattern), "s": .array($0.texts.map(JSONValue.string))]) })
        try Data(JSONWriter.compact(document)).write(to: input)
        // The search loop is ECMA-262's (RegExpBuiltinExec: a sticky match at each code point
        // boundary) rather than `r.test(s)`: V8's own search also starts inside a surrogate
        // pair, where `\B` holds (`/\B/u.test("_🐲")` is true in Node 20; the spec says false).
        let script = """
        const cases = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
        process.stdout.write(JSON.stringify(cases.map(c => {
          let r; try { r = new RegExp(c.p, 'uy'); } catch (e) { return null; }
          return c.s.map(s => {
            for (let i = 0; i <= s.length; i += s.codePointAt(i) > 0xFFFF ? 2 : 1) {
              r.lastIndex = i;
              if (r.test(s)) return true;
            }
            return false;
          });
        })));
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: node)
        process.arguments = ["-e", script, input.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        guard case let .array(verdicts) = try JSONParser.parse(Array(data)), verdicts.count == cases.count else {
            throw CTIFailure(.schemaNotJSON, "node gave no verdict per case")
        }
        return verdicts.map { verdict in
            guard case let .array(results) = verdict else { return nil }
            return results.map { $0 == .bool(true) }
        }
    }
}
