import CTICore
import Testing
@testable import Signing

@Suite struct ArmorTests {
    let armor = Armor(label: "CTI LICENSE")
    let token = "eyJhbGciOiJFZERTQSJ9." + String(repeating: "QUJD", count: 40) + ".c2lnbmF0dXJlLWJ5dGVzLWZvci10ZXN0aW5nLXB1cnBvc2VzLW9ubHk"

    var text: String { armor.write(ArmoredText(compact: token, comments: ["Customer: Muster GmbH"])) }

    @Test func writesSixtyFourColumnsBetweenMarkers() {
        let lines = text.split(separator: "\n")
        #expect(lines.first == "Customer: Muster GmbH")
        #expect(lines[1] == "-----BEGIN CTI LICENSE-----")
        #expect(lines.last == "-----END CTI LICENSE-----")
        #expect(lines.dropFirst(2).dropLast().allSatisfy { $0.count <= 64 })
        #expect(lines.dropFirst(2).dropLast().dropLast().allSatisfy { $0.count == 64 })
    }

    @Test func readsWhatItWrites() throws {
        let read = try armor.read(Array(text.utf8))
        #expect(read.compact == token)
        #expect(read.comments == ["Customer: Muster GmbH"])
    }

    /// What e-mail clients and copy-paste do to the text; each must read back the same token.
    static let damages: [(String, @Sendable (String) -> String)] = [
        ("CRLF", { $0.replacingOccurrences(of: "\n", with: "\r\n") }),
        ("CR only", { $0.replacingOccurrences(of: "\n", with: "\r") }),
        ("indented", { $0.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n") }),
        ("trailing spaces", { $0.split(separator: "\n", omittingEmptySubsequences: false).map { $0 + "   " }.joined(separator: "\n") }),
        ("tabs", { $0.split(separator: "\n", omittingEmptySubsequences: false).map { "\t" + $0 + "\t" }.joined(separator: "\n") }),
        ("UTF-8 BOM", { "\u{FEFF}" + $0 }),
        ("no-break spaces", { $0.split(separator: "\n", omittingEmptySubsequences: false).map { "\u{00A0}" + $0 + "\u{00A0}" }.joined(separator: "\n") }),
        ("blank lines", { $0.replacingOccurrences(of: "\n", with: "\n\n") }),
        ("text around", { "Hallo,\nanbei die Lizenz.\n\n" + $0 + "\nMit freundlichen Grüßen\n" }),
    ]

    @Test(arguments: damages.indices)
    func toleratesCopyPasteDamage(_ index: Int) throws {
        let (name, damage) = Self.damages[index]
        let read = try armor.read(Array(damage(text).utf8))
        #expect(read.compact == token, "variant: \(name)")
    }

    @Test(arguments: [20, 40, 63, 76, 1000])
    func toleratesRewrapping(width: Int) throws {
        var body: [String] = []
        var rest = Substring(token)
        while !rest.isEmpty {
            body.append(String(rest.prefix(width)))
            rest = rest.dropFirst(width)
        }
        let rewrapped = (["-----BEGIN CTI LICENSE-----"] + body + ["-----END CTI LICENSE-----"]).joined(separator: "\n")
        #expect(try armor.read(Array(rewrapped.utf8)).compact == token)
    }

    @Test func readsTheBareToken() throws {
        #expect(try armor.read(Array(token.utf8)).compact == token)
        #expect(try armor.read(Array(("  " + token + "\r\n").utf8)).compact == token)
        let wrapped = stride(from: 0, to: token.count, by: 50).map { start in
            String(token.dropFirst(start).prefix(50))
        }.joined(separator: "\n")
        #expect(try armor.read(Array(wrapped.utf8)).compact == token)
    }

    private func code(_ input: [UInt8]) -> String? {
        do {
            _ = try armor.read(input)
            return nil
        } catch let error as CTIFailure {
            return error.code
        } catch {
            return "unexpected \(error)"
        }
    }

    @Test func rejectsBrokenInputsWithDistinctCodes() {
        #expect(code([]) == "armor.empty")
        #expect(code(Array(" \n\t\r\n".utf8)) == "armor.empty")
        #expect(code([0x00, 0xFF, 0x13, 0x37]) == "armor.not-text")
        #expect(code([0xC3, 0x28]) == "armor.not-text")
        let truncated = String(text.prefix(text.count - 30))
        #expect(code(Array(truncated.utf8)) == "armor.truncated")
        let headless = String(text.split(separator: "\n").dropFirst(2).joined(separator: "\n"))
        #expect(code(Array(headless.utf8)) == "armor.truncated")
        #expect(code(Array((text + text).utf8)) == "armor.multiple")
        #expect(code(Array((token + "\n" + token).utf8)) == "armor.multiple")
        #expect(code(Array(text.replacingOccurrences(of: "QUJD", with: "QU*D").utf8)) == "armor.invalid-character")
        #expect(code(Array("-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n".utf8)) == "armor.wrong-label")
        #expect(code(Array("Dear support, my license does not work.".utf8)) == "armor.invalid-character")
    }

    @Test func namesLineAndColumnOfABadCharacter() throws {
        let broken = text.replacingOccurrences(of: "QUJD", with: "QU*D")
        do {
            _ = try armor.read(Array(broken.utf8))
            Issue.record("accepted a body with '*'")
        } catch let error as CTIFailure {
            #expect(error.message.contains("line 3"))
            #expect(error.message.contains("'*'"))
        }
    }

    @Test func commentsCannotBreakTheArmor() throws {
        let sneaky = armor.write(ArmoredText(compact: token, comments: ["-----END CTI LICENSE-----", "two\nlines"]))
        let read = try armor.read(Array(sneaky.utf8))
        #expect(read.compact == token)
        // The marker comes back as text (its leading space trimmed), the line break as a space.
        #expect(read.comments == ["-----END CTI LICENSE-----", "two lines"])
        #expect(sneaky.hasPrefix(" -----END CTI LICENSE-----\ntwo lines\n-----BEGIN CTI LICENSE-----\n"))
    }
}

@Suite struct ArmorCommentTests {
    /// The quick check must never miss a character that `isNewline` splits on: every Unicode
    /// scalar Swift counts as a line break is tried, not a list that could miss one.
    @Test func theLineBreakScanFindsEveryNewlineCharacter() {
        let breaks = (UInt32(0)...0x10FFFF).compactMap(Unicode.Scalar.init).filter { Character($0).isNewline }
        #expect(breaks.count >= 7)
        let missed = breaks.filter { !Armor.mayBreakLine("a\($0)b") }
        #expect(missed.isEmpty, "missed \(missed.map { "U+" + String($0.value, radix: 16) })")
        #expect(Armor.mayBreakLine("a\r\nb"))
        for plain in ["Müller & Söhne GmbH", "Kunde 12 (K-1)", "Straße\tNr. 5", ""] {
            #expect(!Armor.mayBreakLine(plain))
        }
    }

    @Test func commentsStayOneLineAndNeverStartTheArmor() throws {
        let armor = Armor(label: "CTI LICENSE")
        let text = armor.write(ArmoredText(compact: "a.b.c", comments: ["Kunde: Müller\u{2028}GmbH", "-----BEGIN X", "Produkt – DATEV\r\nZeile"]))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "Kunde: Müller GmbH")
        #expect(lines[1] == " -----BEGIN X")
        #expect(lines[2] == "Produkt – DATEV Zeile")
        #expect(try armor.read(Array(text.utf8)).compact == "a.b.c")
    }
}
