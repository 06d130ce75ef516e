import CTICore
import Foundation
import JSONSchema
import Testing

/// The settings schemas of config-schemas/ load in ctictl's own validator (only its keyword
/// set) and judge every written example as Python's `jsonschema` does in the interop test
/// (EndToEndTests/ConfigSchemaTests): two implementations that share no code agree.
@Suite struct ProductSchemaTests {
    static let configSchemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config-schemas")

    static var exampleFiles: [String] {
        let products = (try? FileManager.default.contentsOfDirectory(atPath: configSchemas.path)) ?? []
        return products.sorted().flatMap { product -> [String] in
            let examples = configSchemas.appendingPathComponent("\(product)/examples").path
            return ((try? FileManager.default.contentsOfDirectory(atPath: examples)) ?? [])
                .filter { $0.hasSuffix(".examples.json") }.sorted().map { "\(product)/examples/\($0)" }
        }
    }

    @Test func everyProductHasExamples() {
        #expect(Self.exampleFiles.count >= 5, "\(Self.exampleFiles)")
    }

    @Test(arguments: exampleFiles)
    func theSchemaJudgesItsExamples(_ file: String) throws {
        let examples = try JSONObjectReader(try JSONParser.parse(try SafeFile.read(Self.configSchemas.appendingPathComponent(file).path)))
        let product = file.split(separator: "/")[0]
        let schemaPath = Self.configSchemas.appendingPathComponent("\(product)/\(try examples.string("schema"))").path
        let schema = try JSONSchema(try SafeFile.read(schemaPath), source: schemaPath)
        for example in try examples.objectArray("valid") {
            let result = schema.validate(example.members["settings"] ?? .null)
            let name = try example.string("name")
            #expect(result.isValid, "\(file): \(name): \(result.errors.map(\.message))")
        }
        for example in try examples.objectArray("invalid") {
            let result = schema.validate(example.members["settings"] ?? .null)
            let setting = try example.string("error")
            let name = try example.string("name")
            #expect(result.errors.contains { $0.instanceLocation == "/" + setting }, "\(file): \(name) should fail at \(setting): \(result.errors.map(\.instanceLocation))")
        }
    }
}
