import CTICore
@testable import JSONSchema
import Testing

/// The schema loader is fed outside files: any input is refused with a `schema.*` error or
/// loads, never crashes, never loops, never takes exponential time.
@Suite struct HostileSchemaTests {
    func load(_ text: String) -> Result<JSONSchema, CTIFailure> {
        Result { () throws(CTIFailure) in try JSONSchema(Array(text.utf8), source: "hostile.json") }
    }

    @Test func deepNestingIsRefused() {
        let deep = String(repeating: #"{"not":"#, count: 100) + "true" + String(repeating: "}", count: 100)
        guard case let .failure(error) = load(deep) else { Issue.record("loaded"); return }
        #expect(error.errorCode == .schemaNotJSON)  // the parser's own nesting limit
        var value = JSONValue.bool(true)
        for _ in 0..<100 { value = .object(["not": value]) }
        #expect(throws: CTIFailure(.schemaTooComplex, "hostile.json: schema nested deeper than 64 levels at \(String(repeating: "/not", count: 65)) (see docs/json-schema.md)")) {
            try JSONSchema(document: value, source: "hostile.json")
        }
    }

    @Test func exponentialFanOutIsRefused() {
        // a0 → allOf[a1, a1] → … : 2^30 evaluations of one value if it were loaded.
        let definitions = (0..<30).map { ##""a\##($0)": {"allOf": [{"$ref": "#/$defs/a\##($0 + 1)"}, {"$ref": "#/$defs/a\##($0 + 1)"}]}"## }
        let text = ##"{"$ref": "#/$defs/a0", "$defs": {\##(definitions.joined(separator: ",")), "a30": true}}"##
        guard case let .failure(error) = load(text) else { Issue.record("loaded"); return }
        #expect(error.errorCode == .schemaTooComplex)
    }

    @Test func longRefChainIsRefused() {
        let definitions = (0..<1000).map { ##""d\##($0)": {"$ref": "#/$defs/d\##($0 + 1)"}"## }
        let text = ##"{"$ref": "#/$defs/d0", "$defs": {\##(definitions.joined(separator: ",")), "d1000": true}}"##
        guard case let .failure(error) = load(text) else { Issue.record("loaded"); return }
        #expect(error.errorCode == .schemaTooComplex)
    }

    @Test func fanOutAcrossInstanceLevelsIsStopped() throws {
        // Each level of the instance checks 50 copies of the next level's schema: 50^depth.
        let copies = Array(repeating: ##"{"$ref": "#/$defs/level"}"##, count: 50).joined(separator: ",")
        let text = ##"{"$ref": "#/$defs/node", "$defs": {"node": {"allOf": [\##(copies)]}, "level": {"properties": {"x": {"$ref": "#/$defs/node"}}}}}"##
        let schema = try load(text).get()
        var value = JSONValue.number(1)
        for _ in 0..<8 { value = .object(["x": value]) }
        let result = schema.validate(value)
        #expect(result.errors.map(\.message) == ["validation stopped after 2000000 steps: the schema applies too many subschemas to this value (schema.too-complex)"])
        #expect(schema.validate(.object(["x": .number(1)])).isValid)
    }

    @Test func catastrophicPatternsMatchInLinearTime() throws {
        let schema = try load(#"{"properties": {"x": {"pattern": "^(a+)+$"}}, "patternProperties": {"(a|a)*b": false}}"#).get()
        let long = String(repeating: "a", count: 30_000)
        #expect(schema.validate(.object(["x": .string(long)])).isValid)
        #expect(!schema.validate(.object(["x": .string(long + "!")])).isValid)
        #expect(schema.validate(.object([long: .number(1)])).isValid)
    }

    /// A match that runs out of steps is no answer: even under `not` (where a mismatch would
    /// accept the value) it stops the validation with one error.
    @Test func aPatternOutOfStepsStopsTheValidation() throws {
        let schema = try load(#"{"properties": {"x": {"not": {"pattern": "(?=[ab]*c)"}}}}"#).get()
        let result = schema.validate(.object(["x": .string(String(repeating: "a", count: 20_000))]))
        #expect(result.errors.map(\.description) == [#"/x: validation stopped: the pattern "(?=[ab]*c)" took more than 1000000 steps beyond its text's length on this value (schema.too-complex) (schema /properties/x/not/pattern)"#])
        #expect(schema.validate(.object(["x": .string("ab")])).isValid)
        #expect(!schema.validate(.object(["x": .string("abc")])).isValid)
    }

    @Test func hugeNumbersLoadAndCompare() throws {
        let schema = try load(#"{"maxLength": 1e300, "minimum": -1.7e308, "maximum": 1.7e308, "enum": [1e308, "a"]}"#).get()
        #expect(schema.validate(.string("a")).isValid)
        #expect(schema.validate(.number(1e308)).isValid)
        if case .success = load(#"{"minimum": 1e400}"#) { Issue.record("a number out of range loaded") }
    }

    @Test func recursionThroughTheInstanceIsAllowed() throws {
        let schema = try load(##"{"$defs": {"tree": {"type": "object", "additionalProperties": {"$ref": "#/$defs/tree"}}}, "$ref": "#/$defs/tree"}"##).get()
        var value = JSONValue.object([:])
        for _ in 0..<60 { value = .object(["child": value]) }
        #expect(schema.validate(value).isValid)
        for _ in 0..<300 { value = .object(["child": value]) }
        #expect(schema.validate(value).errors.map(\.message) == ["the value is nested deeper than 256 levels"])
    }

    @Test func randomInputIsRefusedCleanly() {
        var generator = RegexDifferentialTests.Seeded(state: 2026_11_26)  // the same cases on every run
        let documentAlphabet = Array(#"{}[]":,tfn0123-e.$#/~%\ abrefpattern"#.utf8)
        let patternAlphabet = Array(#"()[]{}^$\\.*+?|-:=!<>,0129abcdkpuxDSWbB"#.unicodeScalars)
        for round in 0..<3000 {
            let document: [UInt8]
            if round.isMultiple(of: 2) {
                document = (0..<Int.random(in: 0..<40, using: &generator)).map { _ in documentAlphabet.randomElement(using: &generator) ?? 0 }
            } else {
                var pattern = String.UnicodeScalarView()
                for _ in 0..<Int.random(in: 0..<16, using: &generator) { pattern.append(patternAlphabet.randomElement(using: &generator) ?? "a") }
                document = Array(String(decoding: JSONWriter.compact(.object(["pattern": .string(String(pattern))])), as: UTF8.self).utf8)
            }
            do {
                _ = try JSONSchema(document, source: "random").validate(.string("ab(c)d123"))
            } catch {
                #expect(error.kind == .malformedInput && error.code.hasPrefix("schema."), "\(error.message)")
                #expect(!error.message.contains("\n"))
            }
        }
    }

    /// A real schema with a few bytes changed: mostly still JSON, so the compiler's own checks
    /// (not only the parser's) meet broken keywords, pointers and patterns.
    @Test func mutatedSchemasAreRefusedCleanly() throws {
        let original = Array(JSONSchemaTests.connection.utf8)
        let replacements = Array(#"{}[]":,0-1e$#/~%\ ^*+?()|x"#.utf8)
        var generator = RegexDifferentialTests.Seeded(state: 2026_11_26)  // the same cases on every run
        let instance = try JSONParser.parse(Array(#"{"PbxHost": "pbx", "XmppPort": 5222, "Mode": "auto"}"#.utf8))
        var loaded = 0
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                bytes[position] = replacements.randomElement(using: &generator) ?? 0
            }
            do {
                _ = try JSONSchema(bytes, source: "mutated.json").validate(instance)
                loaded += 1
            } catch {
                #expect(error.kind == .malformedInput && error.code.hasPrefix("schema."), "\(error.message)")
                #expect(error.message.hasPrefix("mutated.json: ") && !error.message.contains("\n"), "\(error.message.debugDescription)")
            }
        }
        print("mutated schemas: \(loaded) of 3000 loaded, the others refused with a schema.* code")
    }
}

