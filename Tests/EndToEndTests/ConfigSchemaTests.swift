import Foundation
import Testing

/// The settings schemas and rules in config-schemas/ checked by Python's `jsonschema`, which
/// shares no code with ctictl (Tests/EndToEndTests/interop/config_schemas.py): every schema is
/// valid 2020-12 and keeps to the validator's keyword set, examples are accepted or rejected
/// where they say, rules.json follows rules.schema.json, and a reference evaluator of the
/// condition language gives exactly the findings of each product's rule cases. Skipped with
/// the reason where python3 or jsonschema is missing; under CI it fails instead.
enum ConfigSchemaCheck {
    static let script = CLI.packageRoot.appendingPathComponent("Tests/EndToEndTests/interop/config_schemas.py").path
    static let root = CLI.packageRoot.appendingPathComponent("config-schemas").path

    static let pythonWithJSONSchema: Bool = {
        (try? Process.runCapturing("/usr/bin/env", ["python3", "-c", "import jsonschema"]))?.status == 0
    }()

    static var usable: Bool { pythonWithJSONSchema || Interop.isCI }
}

@Suite struct ConfigSchemaTests {
    @Test(.enabled(if: ConfigSchemaCheck.usable, "python3 with `jsonschema` is not installed (scripts/setup.sh --with-python installs it)"))
    func pythonJSONSchemaAcceptsTheSchemasRulesAndExamples() throws {
        try #require(ConfigSchemaCheck.pythonWithJSONSchema, "python3 with `jsonschema` is missing: run scripts/setup.sh --with-python")
        let result = try Process.runCapturing("/usr/bin/env", ["python3", ConfigSchemaCheck.script, ConfigSchemaCheck.root])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        // The summary's counts: the check ran over real files, not an empty folder.
        let summary = try #require(result.stdout.split(separator: "\n").last.map(String.init))
        let numbers = summary.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        #expect(numbers.count == 8, "\(summary)")
        guard numbers.count == 8 else { return }
        let (jsonSchemas, settingsSchemas, products, valid, invalid, rules, cases, failures) =
            (numbers[0], numbers[1], numbers[2], numbers[3], numbers[4], numbers[5], numbers[6], numbers[7])
        #expect(jsonSchemas >= 8 && settingsSchemas >= 5 && products == 3, "\(summary)")
        #expect(valid >= settingsSchemas && invalid >= settingsSchemas, "\(summary)")
        #expect(rules >= 15 && cases >= 30 && failures == 0, "\(summary)")
    }

    /// The checker is not a rubber stamp: a schema using a keyword outside the validator's set,
    /// a rule case with a wrong expectation and a cross-field rule taken out are each refused.
    @Test(.enabled(if: ConfigSchemaCheck.usable, "python3 with `jsonschema` is not installed (scripts/setup.sh --with-python installs it)"))
    func theCheckerRefusesBrokenData() throws {
        try #require(ConfigSchemaCheck.pythonWithJSONSchema, "python3 with `jsonschema` is missing: run scripts/setup.sh --with-python")
        let breakages: [(file: String, from: String, to: String, expected: String)] = [
            ("datev-connector/2.6.schema.json", ##""maxLength": 253"##, ##""maxLength": 253, "format": "hostname""##, "breaks settings.schema.json"),
            ("datev-connector/examples/findings.json", ##""findings": ["error config.host-missing StarfaceHost"]"##, ##""findings": []"##, "gives ['error config.host-missing StarfaceHost'], expected []"),
            ("crm-groupware/0.schema.json", ##""not": { "$ref": "#/$defs/true" }"##, ##""$ref": "#/$defs/boolean""##, "not rejected at"),
            ("datev-connector/rules.json", ##""releases": "[2.4.4.1,2.6)""##, ##""releases": ">=2.4.4.1""##, "overlapping releases"),
        ]
        for breakage in breakages {
            let tmp = try TemporaryDirectory()
            let copy = tmp.path("config-schemas")
            try FileManager.default.copyItem(atPath: ConfigSchemaCheck.root, toPath: copy)
            let path = copy + "/" + breakage.file
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains(breakage.from), "\(breakage.file) no longer holds \(breakage.from)")
            try text.replacingOccurrences(of: breakage.from, with: breakage.to).write(toFile: path, atomically: true, encoding: .utf8)
            let result = try Process.runCapturing("/usr/bin/env", ["python3", ConfigSchemaCheck.script, copy])
            #expect(result.status == 1, "\(breakage.file): \(result.stdout)\(result.stderr)")
            #expect(result.stdout.contains(breakage.expected), "\(breakage.file): \(result.stdout)")
        }
    }
}
