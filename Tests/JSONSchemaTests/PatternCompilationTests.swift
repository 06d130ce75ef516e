import CTICore
import Foundation
import JSONSchema
import Testing

/// Loading checks a pattern's ECMA syntax and leaves the engine's compilation to the first
/// match; `compilePatterns` does it at once. Every schema the project ships compiles.
@Suite struct PatternCompilationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var shippedSchemas: [String] {
        let base = root.appendingPathComponent("config-schemas").path
        return (FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".schema.json") && $0.contains("/") }.sorted().map { base + "/" + $0 }  // the products' settings schemas
    }

    @Test func everyShippedSchemaCompilesItsPatterns() throws {
        #expect(Self.shippedSchemas.count >= 5)
        for path in Self.shippedSchemas {
            let schema = try JSONSchema(Array(try Data(contentsOf: URL(fileURLWithPath: path))), source: path)
            try schema.compilePatterns()
        }
    }

    @Test func aPatternMatchesAlikeBeforeAndAfterItsCompilation() throws {
        let schema = try JSONSchema(Array(#"{"type": "string", "pattern": "^[0-9]{2,}$"}"#.utf8), source: "t", patterns: .atFirstMatch)
        #expect(schema.validate(.string("42")).isValid)
        #expect(!schema.validate(.string("4")).isValid)
        try schema.compilePatterns()
        #expect(schema.validate(.string("4711")).isValid)
        #expect(!schema.validate(.string("x1")).isValid)
    }

    @Test func concurrentFirstMatchesAgree() async throws {
        let schema = try JSONSchema(Array(#"{"type": "string", "pattern": "^\\d+-[a-z]+$"}"#.utf8), source: "t", patterns: .atFirstMatch)
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<32 { group.addTask { schema.validate(.string(index % 2 == 0 ? "12-ab" : "ab-12")).isValid } }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 16)
    }

    @Test func anEngineRefusalComesAtLoadOrFromCompilePatterns() throws {
        let text = Array(#"{"pattern": "\\p{NoSuchProperty}"}"#.utf8)
        #expect(throws: CTIFailure.self) { try JSONSchema(text, source: "t") }
        let lazy = try JSONSchema(text, source: "t", patterns: .atFirstMatch)
        #expect(throws: CTIFailure.self) { try lazy.compilePatterns() }
        // Until then it matches nothing: a value is refused, never waved through.
        #expect(!lazy.validate(.string("x")).isValid)
    }
}
