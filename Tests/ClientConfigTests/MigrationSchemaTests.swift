import CTICore
import Foundation
import Testing

@testable import ClientConfig

/// `config-schemas/migrations.schema.json` and the loader agree: Python's `jsonschema` (an
/// independent reader) finds the shipped migrations valid and refuses the bad steps the
/// loader refuses, where a schema can say it.
@Suite struct MigrationSchemaTests {
    static let python: String? = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import jsonschema"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        process.waitUntilExit()
        return process.terminationStatus == 0 ? "/usr/bin/env" : nil
    }()

    /// Without python3 and jsonschema a local run skips; under CI (`CI` set) it must run.
    static var usable: Bool { python != nil || ProcessInfo.processInfo.environment["CI"] != nil }

    static let script = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        for path in sys.argv[2:]:
            print("valid" if validator.is_valid(json.load(open(path))) else "invalid")
        """

    @Test(.enabled(if: usable, "python3 with `jsonschema` is not installed (scripts/test.sh installs it)"))
    func theSchemaAndTheLoaderAgree() throws {
        let python = try #require(Self.python, "python3 with jsonschema is missing: run scripts/test.sh")
        let migrations = DatevConnectorMigrationTests.schemas + "/datev-connector/migrations"
        let shipped = try FileManager.default.contentsOfDirectory(atPath: migrations).filter { $0.hasSuffix(".json") }.sorted().map { migrations + "/" + $0 }
        #expect(shipped.count == 3)
        let directory = try TemporaryDirectory()
        // Every bad step but the two a schema cannot see (a repeated name, XML that is not well-formed).
        let bad = MigrationFileTests.badSteps.map(\.json).filter { !$0.contains(#""name": "a", "kind": "remove", "setting": "B""#) && !$0.contains("<a>") }
        var badPaths: [String] = []
        for (index, steps) in bad.enumerated() {
            let path = directory.path + "/bad-\(index).json"
            try SafeFile.write(Array(#"{"from": "1.0", "to": "2.0", "section": "userSettings/S", "steps": [\#(steps)]}"#.utf8), to: path)
            badPaths.append(path)
        }
        let noSection = directory.path + "/no-section.json"
        try SafeFile.write(Array(#"{"from": "1.0", "to": "2.0", "steps": [{"name": "a", "kind": "remove", "setting": "A"}]}"#.utf8), to: noSection)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["python3", "-c", Self.script, DatevConnectorMigrationTests.schemas + "/migrations.schema.json"] + shipped + badPaths + [noSection]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let verdicts = text.split(separator: "\n").map(String.init)
        #expect(verdicts == Array(repeating: "valid", count: shipped.count) + Array(repeating: "invalid", count: badPaths.count + 1))
        // And the loader reads what the schema accepts.
        for path in shipped { _ = try Migration(contentsOf: path) }
    }
}
