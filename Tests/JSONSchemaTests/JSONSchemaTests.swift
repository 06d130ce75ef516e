import CTICore
import Foundation
@testable import JSONSchema
import Testing

/// Messages, locations and annotations as the config manager will read them.
@Suite struct JSONSchemaTests {
    static let connection = #"""
    {
      "$schema": "https://json-schema.org/draft/2020-12/schema",
      "$id": "https://example.invalid/datev-connector/2.6.schema.json",
      "title": "DATEV Connector 2.6",
      "type": "object",
      "properties": {
        "PbxHost": {"type": "string", "minLength": 1, "pattern": "^[^:/]+$", "x-label-de": "Adresse der Telefonanlage"},
        "XmppPort": {"$ref": "#/$defs/port", "default": 5222},
        "UseTapiLine": {"const": false, "deprecated": true, "x-removed": "2.6"},
        "Mode": {"enum": ["auto", "manual"]}
      },
      "required": ["PbxHost"],
      "additionalProperties": false,
      "$defs": {"port": {"type": "integer", "minimum": 1, "maximum": 65535, "x-since": "2.0"}}
    }
    """#

    func schema(_ text: String = connection) throws(CTIFailure) -> JSONSchema {
        try JSONSchema(Array(text.utf8), source: "2.6.schema.json")
    }

    func instance(_ text: String) throws -> JSONValue {
        try JSONParser.parse(Array(text.utf8))
    }

    @Test func everyErrorWithBothLocations() throws {
        let result = try schema().validate(instance(#"{"PbxHost": "http://pbx", "XmppPort": 70000.5, "Mode": "x", "Extra": 1}"#))
        // In the order of the keywords' checks (docs/json-schema.md), members by name.
        #expect(result.errors.map(\.description) == [
            #"/Mode: "x" is not one of ["auto","manual"] (schema /properties/Mode/enum)"#,
            #"/PbxHost: "http://pbx" does not match the pattern "^[^:/]+$" (schema /properties/PbxHost/pattern)"#,
            "/XmppPort: must be of type integer, is number (schema /$defs/port/type)",
            "/XmppPort: 70000.5 is greater than the maximum 65535 (schema /$defs/port/maximum)",
            #"/Extra: the property "Extra" is not allowed (unknown) (schema /additionalProperties)"#,
        ])
        #expect(!result.isValid)
    }

    @Test func requiredAndRootErrors() throws {
        let result = try schema().validate(instance("[]"))
        #expect(result.errors.map(\.description) == ["(root): must be of type object, is array (schema /type)"])
        let missing = try schema().validate(instance("{}"))
        #expect(missing.errors == [ValidationError(instanceLocation: "", keywordLocation: "/required", message: #"the required property "PbxHost" is missing"#)])
    }

    @Test func annotationsOfPassingSchemasPerLocation() throws {
        let result = try schema().validate(instance(#"{"PbxHost": "pbx.local", "XmppPort": 5222, "UseTapiLine": false}"#))
        #expect(result.isValid)
        #expect(result.annotation("title", at: "") == .string("DATEV Connector 2.6"))
        #expect(result.annotation("x-label-de", at: "/PbxHost") == .string("Adresse der Telefonanlage"))
        #expect(result.annotation("default", at: "/XmppPort") == .number(5222))
        // Through the $ref: the annotation of the referenced schema, at its own place.
        #expect(result.annotations(at: "/XmppPort").map(\.keywordLocation) == ["/$defs/port/x-since", "/properties/XmppPort/default"])
        #expect(result.annotation("deprecated", at: "/UseTapiLine") == .bool(true))
        #expect(result.annotation("x-removed", at: "/UseTapiLine") == .string("2.6"))
    }

    @Test func declaredAnnotationsOfAbsentValues() throws {
        let declared = try #require(try schema().declaredAnnotations(at: "/properties/XmppPort"))
        #expect(declared.map(\.keyword) == ["default", "x-since"])
        #expect(declared.first?.value == .number(5222))
        #expect(declared.map(\.keywordLocation) == ["/properties/XmppPort/default", "/$defs/port/x-since"])
        #expect(try schema().declaredAnnotations(at: "/properties/Nothing") == nil)
        let conditional = try schema(#"{"anyOf": [{"title": "maybe"}], "allOf": [{"title": "always"}]}"#)
        #expect(conditional.declaredAnnotations(at: "")?.map(\.value) == [.string("always")])
    }

    @Test func failingSchemasDropTheirAnnotations() throws {
        let result = try schema().validate(instance(#"{"PbxHost": "pbx", "UseTapiLine": true}"#))
        #expect(result.errors.map(\.description) == [#"/UseTapiLine: must be false, is true (schema /properties/UseTapiLine/const)"#])
        #expect(result.annotations(at: "/UseTapiLine").isEmpty)
        #expect(result.annotation("title", at: "") == nil)  // the root failed too
        let branches = try schema(#"{"anyOf": [{"type": "string", "title": "text"}, {"type": "integer", "title": "number"}]}"#)
        #expect(branches.validate(.number(3)).annotations.map(\.value) == [.string("number")])
    }

    @Test func combinatorMessages() throws {
        let oneOf = try schema(#"{"oneOf": [{"minimum": 1}, {"maximum": 10}]}"#)
        #expect(oneOf.validate(.number(5)).errors.map(\.description) == ["(root): must match exactly one of the schemas of oneOf, matches 2 (0, 1) (schema /oneOf)"])
        let anyOf = try schema(#"{"anyOf": [{"type": "string"}, {"minimum": 10}]}"#)
        #expect(anyOf.validate(.number(5)).errors.map(\.description) == [
            "(root): must be of type string, is number (schema /anyOf/0/type)",
            "(root): 5 is less than the minimum 10 (schema /anyOf/1/minimum)",
            "(root): must match at least one of the 2 schemas of anyOf (schema /anyOf)",
        ])
        #expect(try schema("false").validate(.null).errors.map(\.description) == ["(root): no value is allowed here (the schema is false) (schema #)"])
        let not = try schema(#"{"not": {"type": "null"}}"#)
        #expect(not.validate(.null).errors.map(\.message) == ["must not match the schema of not"])
        let dependent = try schema(#"{"dependentRequired": {"Auto": ["Refine"]}}"#)
        #expect(dependent.validate(try instance(#"{"Auto": true}"#)).errors.map(\.message) == [#"the property "Refine" is required when "Auto" is present"#])
    }

    @Test func equalityIsByCodePoints() throws {
        let precomposed = try schema(#"{"enum": ["\u00e9", {"\u00e9": 1}]}"#)
        #expect(precomposed.validate(.string("\u{E9}")).isValid)
        #expect(!precomposed.validate(.string("e\u{301}")).isValid)
        #expect(!precomposed.validate(.object(["e\u{301}": .number(1)])).isValid)
        #expect(precomposed.validate(.object(["\u{E9}": .number(1.0)])).isValid)
    }

    @Test func lengthsCountCodePoints() throws {
        let limits = try schema(#"{"minLength": 2, "maxLength": 2}"#)
        #expect(limits.validate(.string("🐲🐲")).isValid)
        #expect(limits.validate(.string("e\u{301}")).isValid)  // two code points, one character
        #expect(limits.validate(.string("ä")).errors.map(\.message) == ["must be at least 2 characters long, has 1"])
    }

    @Test func unsupportedKeywordIsRefusedWithItsPointer() throws {
        let error = try #require(throws: CTIFailure.self) {
            try schema(#"{"properties": {"a~b/c": {"maxItems": 3}}}"#)
        }
        #expect(error.errorCode == .schemaKeywordUnsupported)
        #expect(error.kind.exitStatus == 65)
        #expect(error.message == #"2.6.schema.json: unsupported keyword "maxItems" at /properties/a~0b~1c/maxItems (see docs/json-schema.md)"#)
        let typo = try #require(throws: CTIFailure.self) { try schema(#"{"maxLenght": 3}"#) }
        #expect(typo.message == #"2.6.schema.json: unsupported keyword "maxLenght" (did you mean "maxLength"?) at /maxLenght (see docs/json-schema.md)"#)
    }

    @Test(arguments: [
        (#"{"$schema": "http://json-schema.org/draft-07/schema#"}"#, ErrorCode.schemaDialectUnsupported, "/$schema"),
        (#"{"$defs": {"a": {"$id": "a.json"}}}"#, .schemaKeywordUnsupported, "/$defs/a/$id"),
        (#"{"minLength": -1}"#, .schemaKeywordInvalid, "/minLength"),
        (#"{"type": ["string", "string"]}"#, .schemaKeywordInvalid, "/type"),
        (#"{"required": "a"}"#, .schemaKeywordInvalid, "/required"),
        (#"{"properties": {"a": 3}}"#, .schemaKeywordInvalid, "/properties/a"),
        (#"{"deprecated": "yes"}"#, .schemaKeywordInvalid, "/deprecated"),
        (#"{"$ref": "other.json#/a"}"#, .schemaRefUnresolved, "/$ref"),
        (##"{"$ref": "#/$defs/missing"}"##, .schemaRefUnresolved, "/$ref"),
        (##"{"$ref": "#anchor"}"##, .schemaRefUnresolved, "/$ref"),
        (##"{"$ref": "#/properties"}"##, .schemaRefUnresolved, "/$ref"),
        (#"{"pattern": "(a"}"#, .schemaPatternInvalid, "/pattern"),
        (#"{"patternProperties": {"[z-a]": true}}"#, .schemaPatternInvalid, "/patternProperties/[z-a]"),
        (#"{"pattern": "(?<=a)b"}"#, .schemaPatternInvalid, "/pattern"),
        (#"{"pattern": "a{99999}"}"#, .schemaPatternInvalid, "/pattern"),
        (#"{"pattern": "a**"}"#, .schemaPatternInvalid, "/pattern"),
        (#"{"pattern": "\\q"}"#, .schemaPatternInvalid, "/pattern"),
        (#"{"pattern": "(a)\\1"}"#, .schemaPatternInvalid, "/pattern"),
        (#"{"pattern": "(?<x>a)\\k<x>"}"#, .schemaPatternInvalid, "/pattern"),
        (#"{"pattern": "a++"}"#, .schemaPatternInvalid, "/pattern"),
        (#"{"pattern": "\\A"}"#, .schemaPatternInvalid, "/pattern"),
        (#"{"pattern": "\\p{Script=Greek}"}"#, .schemaPatternInvalid, "/pattern"),
        (#"{"pattern": "(a{1000}){1000}"}"#, .schemaPatternInvalid, "/pattern"),
        (#"{"pattern": "\\p{NoSuchProperty}"}"#, .schemaPatternInvalid, "/pattern"),
        (##"{"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}}"##, .schemaRefCycle, "/$defs/a"),
        (##"{"$ref": "#"}"##, .schemaRefCycle, ""),
        ("[1]", .schemaKeywordInvalid, ""),
        ("{\"a\": ", .schemaNotJSON, ""),
    ])
    func refusedAtLoad(_ text: String, _ code: ErrorCode, _ location: String) {
        do {
            _ = try schema(text)
            Issue.record("loaded: \(text)")
        } catch {
            #expect(error.errorCode == code, "\(text): \(error.message)")
            if code != .schemaNotJSON {
                #expect(error.message.contains(" at \(location.isEmpty ? "the root" : location) "), "\(text): \(error.message)")
            }
        }
    }

    @Test func patternsFollowECMA262() throws {
        func matches(_ pattern: String, _ text: String) throws -> Bool {
            try ECMARegex(pattern).matches(text)
        }
        #expect(try !matches("^abc$", "abc\n"))  // `$` is the end of input, not before a final newline
        #expect(try !matches("^\\d$", "\u{0660}"))  // `\d` is ASCII digits only
        #expect(try !matches("^\\w$", "é"))
        #expect(try matches("^\\s$", "\u{FEFF}"))
        #expect(try !matches("^.$", "\n"))
        #expect(try matches("^.$", "🐲"))  // a code point, not a UTF-16 unit
        #expect(try matches("^[^]$", "\n"))
        #expect(try !matches("[]", "a"))
        #expect(try matches("^\\cC\\x41\\u0042\\u{43}\\uD83D\\uDC32$", "\u{3}ABC🐲"))
        #expect(try matches("^[\\d-]+$", "1-2"))
        #expect(try matches("^\\p{Letter}+$", "Größe"))
        #expect(try matches("^(?<x>a)(b)$", "ab"))
        #expect(try matches("a[]*b", "ab") && !matches("a[]b", "ab"))
        #expect(try matches("\\/\\.\\*", "/.*"))
        #expect(try matches("^[\\u2000-\\u200A]+$", "\u{2000}\u{2005}\u{200A}"))  // bounds Swift's Regex refused
        #expect(try !matches("^[\\u2000-\\u200A]+$", "\u{2002}\u{1FFF}"))
    }

    /// The client checks its config with this module at startup, where Foundation must not load.
    @Test func noFoundationOnTheClientPath() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for module in ["JSONSchema", "CTICore"] {
            let directory = packageRoot.appendingPathComponent("Sources/\(module)")
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }
            #expect(!files.isEmpty)
            for file in files {
                let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
                let imports = text.split(separator: "\n").filter { $0.hasPrefix("import ") && $0.contains("Foundation") }
                #expect(imports.isEmpty, "Sources/\(module)/\(file): \(imports)")
            }
        }
    }
}
