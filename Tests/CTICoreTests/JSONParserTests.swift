import Foundation
import Testing
@testable import CTICore

@Suite struct JSONParserTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(Array(#" {"a": [1, -2.5e3, true, false, null], "b": {"c": "d\u00e9\n\"\\\/"}, "e": "😀"} "#.utf8))
        #expect(value == .object([
            "a": .array([.number(1), .number(-2500), .bool(true), .bool(false), .null]),
            "b": .object(["c": .string("dé\n\"\\/")]),
            "e": .string("😀"),
        ]))
        #expect(try JSONParser.parse(Array(#""\ud83d\ude00""#.utf8)) == .string("😀"))
    }

    @Test(arguments: [
        "", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "01", "1.", ".5", "-", "1e", "+1", "tru", "nul", "\"abc", "\"\\x\"",
        "\"\\ud800\"", "\"\\udc00\"", "\"a\u{01}b\"", "{\"a\":1}{", "[1] 2", "NaN", "Infinity", "1e999", "{\"a\":1,\"a\":2}",
    ])
    func rejectsWhatIsNotStrictJSON(_ text: String) {
        #expect(throws: JSONParser.Failure.self) { _ = try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: JSONParser.Failure.self) { _ = try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(throws: JSONParser.Failure.self) { _ = try JSONParser.parse(Array(deep.utf8)) }
        let fine = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(throws: Never.self) { _ = try JSONParser.parse(Array(fine.utf8)) }
    }

    @Test func duplicateMembersNameTheMemberAndOffset() {
        do {
            _ = try JSONParser.parse(Array(#"{"alg":"EdDSA","alg":"none"}"#.utf8))
            Issue.record("accepted a duplicate member")
        } catch {
            #expect(error.description == "duplicate member \"alg\" at byte 15")
        }
    }

    @Test func agreesWithFoundationOnRandomDocuments() throws {
        // Round trip: what JSONEncoder writes, the parser reads back to the same value.
        let documents: [JSONValue] = [
            .object(["n": .number(1_795_528_321), "s": .string("Kanzlei Müller & Söhne \"GmbH\""), "z": .array([])]),
            .array([.string("\u{0000}\u{001F}\u{2028}"), .number(0.1), .number(-0.0), .object([:])]),
        ]
        for document in documents {
            let encoded = CanonicalJSON.compact(document)
            #expect(try JSONParser.parse(encoded) == document)
        }
    }

    @Test func writerMatchesJSONEncoderByteForByte() throws {
        let tricky = "Müller & Söhne \"GmbH\" \\ / \u{0001}\u{0008}\u{000C}\n\r\t\u{001F} 😀 \u{2028}"
        let documents: [JSONValue] = [
            .object(["b": .string(tricky), "a": .array([.number(1_795_528_321), .number(-3), .bool(true), .null]), "ä": .object([:])]),
            .array([.string(""), .number(0), .object(["z": .string("/"), "y": .array([])])]),
        ]
        for document in documents {
            #expect(JSONWriter.compact(document) == CanonicalJSON.compact(document))
        }
    }

    @Test func objectReaderNamesThePath() throws {
        let value = try JSONParser.parse(Array(#"{"cti":{"pbx":{"factors":[{"kind":"mac"},{"kind":5}]}}}"#.utf8))
        let root = try JSONObjectReader(value)
        let factors = try root.object("cti").object("pbx").objectArray("factors")
        #expect(throws: JSONObjectReader.Failure.self) { _ = try factors[0].string("value") }
        #expect { _ = try factors[1].string("kind") } throws: { ($0 as? JSONObjectReader.Failure)?.description == "cti.pbx.factors[1].kind must be a string" }
        #expect(try root.optionalString("missing") == nil)
    }
}

@Suite struct UTCTimeTests {
    /// Every day of four centuries against Foundation's Gregorian calendar, which shares no
    /// code with CivilDate: the same date for the same second, and back again from the text.
    @Test func civilDatesAgreeWithFoundationOverFourCenturies() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        #expect(try #require(CivilDate("1970-01-01")).secondsSince1970 == 0)
        var mismatches: [String] = []
        var previous: CivilDate?
        for day in Int64(0)..<146_097 {  // 400 Gregorian years from 1970-01-01
            let seconds = day * 86_400
            let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            let expected = String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
            let date = CivilDate(secondsSince1970: seconds)
            if date.description != expected || CivilDate(expected)?.secondsSince1970 != seconds || previous.map({ $0.next != date || !($0 < date) }) == true {
                mismatches.append("\(expected): \(date.description)")
            }
            previous = date
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
        #expect(previous?.description == "2369-12-31")
    }

    @Test func leapDays() {
        #expect(CivilDate("2028-02-29") != nil)
        #expect(CivilDate("2027-02-29") == nil)
        #expect(CivilDate("2100-02-29") == nil)
        #expect(CivilDate("2000-02-29") != nil)
        #expect(CivilDate("2026-13-01") == nil)
        #expect(CivilDate("2026-1-01") == nil)
        #expect(CivilDate("31.12.2026") == nil)
    }

    @Test func timestampsAreUTC() {
        #expect(UTCTimestamp.format(0) == "1970-01-01T00:00:00Z")
        #expect(UTCTimestamp.format(1_798_761_599) == "2026-12-31T23:59:59Z")
        #expect(UTCTimestamp.parse("2026-12-31T23:59:59Z") == 1_798_761_599)
        #expect(UTCTimestamp.parse("2027-01-01T00:59:59+01:00") == 1_798_761_599)
        #expect(UTCTimestamp.parse("2026-12-31T23:59:59") == nil)
        #expect(UTCTimestamp.parse("2026-12-31T24:00:00Z") == nil)
    }
}

@Suite struct SafeFileTests {
    let tmp: TemporaryDirectory
    var directory: String { tmp.path }

    init() throws { tmp = try TemporaryDirectory("safefile") }

    @Test func writesAtomicallyWithModeAndBackup() throws {
        try SafeFile.makeDirectory(directory)
        let path = directory + "/f.txt"
        try SafeFile.write(Array("one".utf8), to: path, mode: 0o600)
        #expect(try SafeFile.mode(of: path) == 0o600)
        try SafeFile.write(Array("two".utf8), to: path, mode: 0o644, backup: true)
        #expect(try SafeFile.read(path) == Array("two".utf8))
        #expect(try SafeFile.read(path + ".bak") == Array("one".utf8))
        #expect(try SafeFile.mode(of: path + ".bak") == 0o600)
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).sorted() == ["f.txt", "f.txt.bak"])
    }

    @Test func exclusiveWritesNeverReplace() throws {
        try SafeFile.makeDirectory(directory)
        let path = directory + "/key.pem"
        try SafeFile.write([1], to: path, exclusive: true)
        #expect { try SafeFile.write([2], to: path, exclusive: true) } throws: { ($0 as? FileError)?.reason == .alreadyExists }
        #expect(try SafeFile.read(path) == [1])
    }

    @Test func readsAreCapped() throws {
        try SafeFile.makeDirectory(directory)
        let path = directory + "/big"
        try SafeFile.write(Array(repeating: 7, count: 2000), to: path)
        #expect { _ = try SafeFile.read(path, limit: 1000) } throws: { ($0 as? FileError)?.code == "file.too-large" }
        #expect(try SafeFile.read(path, limit: 2000).count == 2000)
        #expect { _ = try SafeFile.read(directory + "/none") } throws: { ($0 as? FileError)?.code == "file.not-found" }
    }

    @Test func aFailedWriteLeavesTheOldFile() throws {
        try SafeFile.makeDirectory(directory)
        let path = directory + "/keep.txt"
        try SafeFile.write(Array("old".utf8), to: path)
        #expect(throws: FileError.self) { try SafeFile.write(Array("new".utf8), to: directory + "/missing-dir/keep.txt") }
        #expect(try SafeFile.read(path) == Array("old".utf8))
    }
}
