import CTICore
import Foundation
import JSONSchema
import Testing

/// Loading parses every pattern into the engine's program. Every schema the project ships
/// loads; a schema is shared between threads.
@Suite struct PatternCompilationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var shippedSchemas: [String] {
        let base = root.appendingPathComponent("config-schemas").path
        return (FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".schema.json") && $0.contains("/") }.sorted().map { base + "/" + $0 }  // the products' settings schemas
    }

    @Test func everyShippedSchemaLoads() throws {
        #expect(Self.shippedSchemas.count >= 5)
        for path in Self.shippedSchemas {
            _ = try JSONSchema(Array(try Data(contentsOf: URL(fileURLWithPath: path))), source: path)
        }
    }

    @Test func patternsMatchAsWritten() throws {
        let schema = try JSONSchema(Array(#"{"type": "string", "pattern": "^[0-9]{2,}$"}"#.utf8), source: "t")
        #expect(schema.validate(.string("42")).isValid)
        #expect(!schema.validate(.string("4")).isValid)
        #expect(schema.validate(.string("4711")).isValid)
        #expect(!schema.validate(.string("x1")).isValid)
    }

    @Test func concurrentMatchesAgree() async throws {
        let schema = try JSONSchema(Array(#"{"type": "string", "pattern": "^\\d+-[a-z]+$"}"#.utf8), source: "t")
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<32 { group.addTask { schema.validate(.string(index % 2 == 0 ? "12-ab" : "ab-12")).isValid } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 16)
    }

    @Test func whatTheEngineCannotRunIsRefusedAtLoad() throws {
        for pattern in [#"\\p{NoSuchProperty}"#, #"\\p{Script=Greek}"#, "(?<=a)b", "(a)\\\\1"] {
            #expect(throws: CTIFailure.self, "\(pattern)") { try JSONSchema(Array(#"{"pattern": "\#(pattern)"}"#.utf8), source: "t") }
        }
    }
}
