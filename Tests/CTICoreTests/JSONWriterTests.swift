import CTICore
import Foundation
import Testing

/// Every JSON document ctictl writes goes through `JSONValueEncoder` and `JSONWriter`; the
/// bytes must be exactly those of Foundation's JSONEncoder (sorted keys, unescaped slashes),
/// compact and pretty, so no output changed when Foundation's encoder left the sources.
@Suite struct JSONWriterTests {
    /// A deterministic generator of JSON trees: strings with quotes, escapes, controls and
    /// non-ASCII; integers and fractions; empty and nested containers.
    struct Generator {
        var state: UInt64

        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }

        static let pieces = ["a", "Zürich", "\"", "\\", "/", "\n", "\t", "\r", "\u{1}", "\u{1F}", "\u{7F}", "\u{85}", "€", "😀", " ", "key", "0"]

        mutating func string() -> String {
            (0..<next(6)).map { _ in Self.pieces[next(Self.pieces.count)] }.joined()
        }

        mutating func value(depth: Int) -> JSONValue {
            switch next(depth > 3 ? 5 : 7) {
            case 0: return .null
            case 1: return .bool(next(2) == 0)
            case 2: return .number(Double(next(2_000_000_001) - 1_000_000_000))
            case 3: return .number([0.5, -1.25, 0.1, 3.75e-5, 1e20, 123456.789][next(6)])
            case 4: return .string(string())
            case 5: return .array((0..<next(4)).map { _ in value(depth: depth + 1) })
            default:
                var members: [String: JSONValue] = [:]
                for _ in 0..<next(5) { members[string()] = value(depth: depth + 1) }
                return .object(members)
            }
        }
    }

    static func foundation<T: Encodable>(_ value: T, pretty: Bool) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value)) + (pretty ? [0x0A] : [])
    }

    @Test func generatedTreesAreWrittenAsFoundationWritesThem() throws {
        var generator = Generator(state: 2026_11_26)
        for _ in 0..<2_000 {
            let value = JSONValue.object(["root": generator.value(depth: 0)])
            #expect(CanonicalJSON.compact(value) == (try Self.foundation(value, pretty: false)), "\(value)")
            #expect(CanonicalJSON.pretty(value) == (try Self.foundation(value, pretty: true)), "\(value)")
        }
    }

    struct Record: Encodable {
        struct Inner: Encodable {
            let list: [Int]
            let flag: Bool?
        }

        let name: String
        let count: Int64
        let missing: String?
        let present: String?
        let inner: Inner
        let inners: [Inner]
        let empty: [String]
        let map: [String: Int]
    }

    @Test func encodableStructsOptionalsAndEmptyContainers() throws {
        let record = Record(
            name: "Kanzlei \"Muster\" / Köln", count: 1_795_658_357, missing: nil, present: "x",
            inner: Inner(list: [], flag: nil), inners: [Inner(list: [1, 2], flag: true)], empty: [], map: ["b": 2, "a": 1])
        #expect(CanonicalJSON.compact(record) == (try Self.foundation(record, pretty: false)))
        #expect(CanonicalJSON.pretty(record) == (try Self.foundation(record, pretty: true)))
        #expect(CanonicalJSON.pretty([String]()) == (try Self.foundation([String](), pretty: true)))
        #expect(CanonicalJSON.compact(-0.0) == (try Self.foundation(-0.0, pretty: false)))
    }

    typealias Inner = Record.Inner
}
