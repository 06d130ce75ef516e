import Testing
@testable import CTICore

@Suite struct TerminalTextTests {
    /// What a terminal acts on, written out here so the checks do not trust the code they
    /// check (`TerminalText.isControl`): C0 but tab, DEL, C1.
    static func actsOnATerminal(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t") || (0x7F...0x9F).contains(scalar.value)
    }
    @Test func plainTextPassesUnchanged() {
        let text = "Kanzlei Müller & Söhne — 10 seats\tüber „alles“ 😀\nnext line"
        #expect(TerminalText.lines(text) == text)
        #expect(TerminalText.line("Kanzlei Müller\tGmbH") == "Kanzlei Müller\tGmbH")
    }

    @Test func everyControlButTabAndLineFeedIsEscaped() {
        for value in Array(0x00...0x1F) + Array(0x7F...0x9F) where value != 0x09 && value != 0x0A {
            let scalar = Unicode.Scalar(UInt32(value))!
            let escaped = TerminalText.lines("a\(Character(scalar))b")
            #expect(escaped == "a\\u{\(String(value, radix: 16, uppercase: true))}b")
            #expect(!escaped.unicodeScalars.contains(where: Self.actsOnATerminal))
        }
    }

    @Test func isControlIsExactlyWhatATerminalActsOn() {
        let wrong = (UInt32(0)...0x10FFFF).compactMap(Unicode.Scalar.init).filter { TerminalText.isControl($0) != Self.actsOnATerminal($0) }
        #expect(wrong.isEmpty, "\(wrong.prefix(5).map { String($0.value, radix: 16) })")
    }

    @Test func oneLineEscapesLineFeedsToo() {
        #expect(TerminalText.line("ACME\nVALID: all checks passed") == "ACME\\u{A}VALID: all checks passed")
        #expect(TerminalText.lines("ACME\nVALID") == "ACME\nVALID")
        #expect(TerminalText.joined(["first \u{1B}[2K", "second\r\nthird"]) == "first \\u{1B}[2K\nsecond\\u{D}\\u{A}third")
    }

    @Test func attacksAreShownNotRun() {
        let eraseAndFake = "\r\u{1B}[2K\u{1B}[1A\u{1B}[2KVALID: all checks passed"
        #expect(TerminalText.lines(eraseAndFake) == "\\u{D}\\u{1B}[2K\\u{1B}[1A\\u{1B}[2KVALID: all checks passed")
        let title = "\u{1B}]0;VERIFIED\u{07}"
        #expect(TerminalText.line(title) == "\\u{1B}]0;VERIFIED\\u{7}")
        // C1 CSI (U+009B) is an escape sequence of its own on some terminals.
        #expect(TerminalText.line("\u{9B}2K") == "\\u{9B}2K")
    }

    @Test func jsonKeepsItsValueAndLosesRawControls() throws {
        let value = "a\u{7F}b\u{9B}c\u{85}d é 😀"
        let bytes = CanonicalJSON.compact(["name": value])
        let safe = TerminalText.json(bytes)
        #expect(String(decoding: safe, as: UTF8.self) == #"{"name":"a\u007fb\u009bc\u0085d é 😀"}"#)
        #expect(!String(decoding: safe, as: UTF8.self).unicodeScalars.contains(where: Self.actsOnATerminal))
        // The same JSON value: a JSON parser reads the escapes back to the original text.
        guard case .object(let members) = try JSONParser.parse(safe), case .string(let parsed)? = members["name"] else {
            Issue.record("not an object with a string")
            return
        }
        #expect(parsed == value)
        // C0 is escaped by the encoder itself.
        #expect(!CanonicalJSON.compact(["name": "\u{1B}[2K\r\n\u{07}"]).contains(where: { $0 < 0x20 }))
    }
}

@Suite struct NearestNameTests {
    @Test(arguments: [("licnse", "license"), ("lisence", "license"), ("verfy", "verify"), ("ledgr", "ledger"), ("KEY", "key")])
    func aTypoFindsTheCommand(typed: String, expected: String) {
        #expect(NearestName.closest(to: typed, among: ["key", "license", "revocations", "ledger", "compat", "catalog", "verify"]) == expected)
    }

    @Test func somethingElseFindsNothing() {
        #expect(NearestName.closest(to: "frobnicate", among: ["key", "license", "ledger"]) == nil)
        #expect(NearestName.closest(to: "x", among: ["key", "license"]) == nil)
    }
}
