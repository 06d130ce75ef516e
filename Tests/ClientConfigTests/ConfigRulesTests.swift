import CTICore
import ClientConfig
import Foundation
import ReleaseCatalog
import Testing

/// The rules of config-schemas run by ctictl's evaluator over the cases of
/// `examples/findings.json`: exactly the findings (and messages, where given) that the Python
/// reference (Tests/EndToEndTests/interop/config_schemas.py) checks.
@Suite struct ConfigRulesExampleTests {
    static let schemas = DatevConnectorMigrationTests.schemas

    @Test(arguments: ["datev-connector", "crm-groupware"])
    func everyExampleCaseGivesItsFindings(product: String) throws {
        let settings = try ProductSettings.load(product: product, from: Self.schemas)
        let path = "\(Self.schemas)/\(product)/examples/findings.json"
        let raw = try String(contentsOfFile: path, encoding: .utf8)
        guard case let .object(top) = try JSONParser.parse(Array(raw.utf8)), case let .array(cases)? = top["cases"] else {
            Issue.record("\(path): no cases")
            return
        }
        #expect(!cases.isEmpty)
        var fired: Set<String> = []
        for item in cases {
            guard case let .object(fields) = item, let name = fields["name"]?.stringValue, case let .object(values)? = fields["settings"],
                  case let .array(expected)? = fields["findings"] else {
                Issue.record("\(path): a case without name, settings or findings")
                continue
            }
            let release = try fields["release"]?.stringValue.map { try Version($0) }
            // The parser keeps members in a dictionary: recover the file's order of the settings.
            let caseStart = raw.range(of: "\"\(name)\"")?.upperBound ?? raw.startIndex
            let ordered = values.keys.sorted {
                (raw.range(of: "\"\($0)\":", range: caseStart..<raw.endIndex)?.lowerBound ?? raw.endIndex)
                    < (raw.range(of: "\"\($1)\":", range: caseStart..<raw.endIndex)?.lowerBound ?? raw.endIndex)
            }.map { (name: $0, value: values[$0]?.stringValue ?? "") }
            let found = settings.rules.findings(settings: ordered, schema: settings.schema(for: release), release: release)
            #expect(found.map(\.summary) == expected.compactMap(\.stringValue), "\(product): \(name)")
            for language in ["en", "de"] {
                guard case let .array(messages)? = fields[language] else { continue }
                let got = found.map { language == "en" ? $0.finding.message.en : $0.finding.message.de }
                #expect(got == messages.compactMap(\.stringValue), "\(product): \(name) (\(language))")
            }
            for finding in found { fired.insert("\(finding.finding.code) \(finding.finding.severity)") }
        }
        // Every rule fires in some case.
        for rule in settings.rules.rules { #expect(fired.contains("\(rule.code) \(rule.severity)"), "\(product): \(rule.code) never fires") }
    }
}

/// Each condition kind and the loader's errors, on small rules files.
@Suite struct ConfigRulesEvaluatorTests {
    static let schemaJSON = """
    {"x-product": "p", "x-release": "1.0", "x-section": "userSettings/P.Properties.Settings", "type": "object",
     "additionalProperties": {"type": "string"},
     "properties": {
       "Host": {"type": "string", "default": "", "title": "Host", "x-label-de": "Rechner", "x-since": "1.0"},
       "Flag": {"type": "string", "enum": ["True", "False"], "default": "False", "x-since": "1.0"},
       "Secret": {"type": "string", "writeOnly": true, "x-since": "1.0"},
       "Old": {"type": "string", "x-removed": "1.0", "x-since": "1.0"}
     }}
    """

    func schema() throws -> SettingsSchema { try SettingsSchema(jsonBytes: Array(Self.schemaJSON.utf8), source: "1.0.schema.json") }

    func rules(_ when: String, releases: String = "*", message: String = "m {setting} {value} {label}") throws -> ConfigRules {
        let json = """
        {"product": "p", "rules": [{"code": "config.x", "severity": "warning", "releases": "\(releases)", "setting": "Host",
          "when": \(when), "message": {"de": "\(message)", "en": "\(message)"}, "fix": {"de": "f", "en": "f"}}]}
        """
        return try ConfigRules(jsonBytes: Array(json.utf8), source: "rules.json")
    }

    func holds(_ when: String, _ settings: [(name: String, value: String)], release: String? = "1.0") throws -> Bool {
        !(try rules(when).findings(settings: settings, schema: try schema(), release: try release.map { try Version($0) }).isEmpty)
    }

    /// A pattern that runs out of its steps on a value decides nothing: the rule reports that
    /// it could not be decided (a warning) instead of passing or firing by a guess — under
    /// `not` a guessed mismatch would fire it. Three-valued: a known part can still decide.
    @Test func anUndecidablePatternIsReportedNotGuessed() throws {
        let long = [(name: "Host", value: String(repeating: "a", count: 20_000))]
        let slow = #"{"setting": "Host", "matches": "(?=[ab]*c)"}"#
        for when in [slow, #"{"not": \#(slow)}"#, #"{"any": [{"absent": "Host"}, \#(slow)]}"#] {
            let findings = try rules(when).findings(settings: long, schema: try schema(), release: try Version("1.0"))
            #expect(findings.map(\.summary) == ["warning config.check-undecided Host"], "\(when)")
            #expect(findings.first?.finding.message.de.contains("config.x") == true)
        }
        #expect(try !holds(#"{"all": [{"absent": "Host"}, \#(slow)]}"#, long))  // false whatever the pattern says
        #expect(try holds(#"{"any": [{"present": "Host"}, \#(slow)]}"#, long))  // true whatever it says
        #expect(try holds(slow, [(name: "Host", value: "abc")]))
    }

    @Test func everyConditionKind() throws {
        let host = { (value: String) in [(name: "Host", value: value)] }
        #expect(try holds(#"{"present": "Host"}"#, host("a")))
        #expect(try !holds(#"{"present": "Host"}"#, []))
        #expect(try holds(#"{"absent": "Host"}"#, []))
        #expect(try holds(#"{"setting": "Host", "equals": "a"}"#, host("a")))
        #expect(try !holds(#"{"setting": "Host", "equals": "A"}"#, host("a")))
        #expect(try holds(#"{"setting": "Host", "notEquals": "b"}"#, host("a")))
        // No value and no default: a test never holds, notEquals neither; its negation does.
        #expect(try !holds(#"{"setting": "Secret", "notEquals": "b"}"#, []))
        #expect(try holds(#"{"not": {"setting": "Secret", "equals": "b"}}"#, []))
        #expect(try holds(#"{"setting": "Host", "matches": "^ *https?://"}"#, host("  http://pbx")))
        #expect(try !holds(#"{"setting": "Host", "matches": "^https?://"}"#, host("pbx")))
        // .NET's Boolean.Parse: any case, white space around; anything else is neither.
        #expect(try holds(#"{"setting": "Flag", "is": "true"}"#, [(name: "Flag", value: " tRUE\r\n")]))
        #expect(try !holds(#"{"setting": "Flag", "is": "true"}"#, [(name: "Flag", value: "1")]))
        #expect(try !holds(#"{"setting": "Flag", "is": "false"}"#, [(name: "Flag", value: "yes")]))
        #expect(try holds(#"{"setting": "Flag", "is": "false"}"#, []))  // the default
        #expect(try holds(#"{"setting": "Host", "is": "empty"}"#, host(" \t")))
        #expect(try holds(#"{"setting": "Host", "is": "empty"}"#, []))
        #expect(try holds(#"{"all": [{"present": "Host"}, {"setting": "Host", "equals": "a"}]}"#, host("a")))
        #expect(try !holds(#"{"all": [{"present": "Host"}, {"absent": "Host"}]}"#, host("a")))
        #expect(try holds(#"{"any": [{"absent": "Host"}, {"setting": "Host", "equals": "a"}]}"#, host("a")))
        #expect(try !holds(#"{"any": [{"absent": "Host"}, {"setting": "Host", "equals": "b"}]}"#, host("a")))
    }

    @Test func publicAddresses() throws {
        let when = #"{"setting": "Host", "is": "public-ip"}"#
        for address in ["8.8.8.8", " 192.0.2.10 ", "203.0.113.5", "2001:db8::1", "[2a00:1450::1]", "::ffff:8.8.4.4", "100.128.0.1", "172.32.0.1"] {
            #expect(try holds(when, [(name: "Host", value: address)]), "\(address) is public")
        }
        for address in ["10.1.2.3", "192.168.10.5", "172.16.0.1", "172.31.255.255", "100.64.0.1", "127.0.0.1", "169.254.1.1", "0.0.0.0",
                        "224.0.0.1", "255.255.255.255", "::", "::1", "fd00::1", "fe80::1", "ff02::1", "::ffff:10.0.0.1",
                        "pbx.example.com", "08.8.8.8", "8.8.8", "256.1.1.1", "8.8.8.8.8", ""] {
            #expect(try !holds(when, [(name: "Host", value: address)]), "\(address) is not public")
        }
    }

    @Test func releasesAndPlaceholders() throws {
        let schema = try schema()
        let ranged = try rules(#"{"present": "Host"}"#, releases: ">=1.0", message: "{release} {setting} {label} {value} {unknown}")
        let settings = [(name: "Host", value: "h")]
        // A ranged rule does not apply to an unknown release; `*` does.
        #expect(ranged.findings(settings: settings, schema: schema, release: nil).isEmpty)
        #expect(ranged.findings(settings: settings, schema: schema, release: try Version("0.9")).isEmpty)
        let found = ranged.findings(settings: settings, schema: schema, release: try Version("1.2"))
        #expect(found.map(\.finding.message.en) == ["1.2 Host Host h {unknown}"])
        #expect(found.map(\.finding.message.de) == ["1.2 Host Rechner h {unknown}"])
        #expect(try rules(#"{"present": "Host"}"#).findings(settings: settings, schema: schema, release: nil).count == 1)
    }

    @Test func undeclaredAndRemovedSettings() throws {
        let json = """
        {"product": "p", "rules": [
          {"code": "config.setting-removed", "severity": "warning", "releases": "*", "forEachSetting": "removed",
           "message": {"de": "{setting} {removed}", "en": "{setting} was removed in {removed}"}, "fix": {"de": "f", "en": "f"}},
          {"code": "config.setting-unknown", "severity": "warning", "releases": "*", "forEachSetting": "undeclared",
           "message": {"de": "{setting}", "en": "{setting} unknown"}, "fix": {"de": "f", "en": "f"}}]}
        """
        let rules = try ConfigRules(jsonBytes: Array(json.utf8), source: "rules.json")
        let found = rules.findings(settings: [(name: "Zeta", value: ""), (name: "Old", value: "x"), (name: "Alpha", value: ""), (name: "Host", value: "")],
                                   schema: try schema(), release: nil)
        #expect(found.map(\.summary) == ["warning config.setting-removed Old", "warning config.setting-unknown Zeta", "warning config.setting-unknown Alpha"])
        #expect(found.first?.finding.message.en == "Old was removed in 1.0")
    }

    @Test func loaderErrorsNameFileAndPath() throws {
        func refused(_ json: String, _ parts: [String]) {
            expectFailure(.configRulesMalformed, containing: ["rules.json"] + parts) { _ = try ConfigRules(jsonBytes: Array(json.utf8), source: "rules.json") }
        }
        let text = #""message": {"de": "d", "en": "e"}, "fix": {"de": "d", "en": "e"}"#
        refused("{", ["not valid JSON"])
        refused(#"{"product": "p", "rule": []}"#, ["rule is not a member", "did you mean \"rules\""])
        refused(#"{"product": "p", "rules": [{"code": "tapi", "severity": "error", "releases": "*", "when": {"present": "A"}, \#(text)}]}"#, ["rules[0].code"])
        refused(#"{"product": "p", "rules": [{"code": "config.a", "severity": "fatal", "releases": "*", "when": {"present": "A"}, \#(text)}]}"#, ["rules[0].severity", "fatal"])
        refused(#"{"product": "p", "rules": [{"code": "config.a", "severity": "error", "releases": ">=2.x", "when": {"present": "A"}, \#(text)}]}"#, ["rules[0].releases"])
        refused(#"{"product": "p", "rules": [{"code": "config.a", "severity": "error", "releases": "*", \#(text)}]}"#, ["rules[0]", "exactly one of when"])
        refused(#"{"product": "p", "rules": [{"code": "config.a", "severity": "error", "releases": "*", "forEachSetting": "all", \#(text)}]}"#, ["rules[0].forEachSetting", "all"])
        refused(#"{"product": "p", "rules": [{"code": "config.a", "severity": "error", "releases": "*", "when": {"setting": "A", "is": "yes"}, \#(text)}]}"#, ["rules[0].when.is", "public-ip"])
        refused(#"{"product": "p", "rules": [{"code": "config.a", "severity": "error", "releases": "*", "when": {"setting": "A", "matches": "("}, \#(text)}]}"#, ["rules[0].when.matches"])
        refused(#"{"product": "p", "rules": [{"code": "config.a", "severity": "error", "releases": "*", "when": {"any": []}, \#(text)}]}"#, ["rules[0].when.any", "non-empty"])
        refused(#"{"product": "p", "rules": [{"code": "config.a", "severity": "error", "releases": "*", "when": {"all": [{"setting": "A", "equal": "x"}]}, \#(text)}]}"#, ["rules[0].when.all[0]"])
        refused(#"{"product": "p", "rules": [{"code": "config.a", "severity": "error", "releases": "*", "when": {"setting": "A", "equals": "x", "is": "true"}, \#(text)}]}"#, ["rules[0].when", "exactly one of equals"])
        refused(#"{"product": "p", "rules": [{"code": "config.a", "severity": "error", "releases": "*", "when": {"present": "A"}, "message": {"de": "d"}, "fix": {"de": "d", "en": "e"}}]}"#, ["rules[0].message.en", "missing"])
        // A code repeats only for another subject or on releases that do not overlap.
        func rule(_ code: String, _ releases: String, _ setting: String) -> String {
            #"{"code": "\#(code)", "severity": "warning", "releases": "\#(releases)", "setting": "\#(setting)", "when": {"present": "A"}, \#(text)}"#
        }
        refused(#"{"product": "p", "rules": [\#(rule("config.a", ">=2.6", "A")), \#(rule("config.a", "[2.4,2.6]", "A"))]}"#, ["rules[1]", "repeats config.a for A"])
        refused(#"{"product": "p", "rules": [\#(rule("config.a", "*", "A")), \#(rule("config.a", "<1", "A"))]}"#, ["rules[1]", "overlap"])
        for fine in [[rule("config.a", ">=2.6", "A"), rule("config.a", "[2.4,2.6)", "A")], [rule("config.a", "*", "A"), rule("config.a", "*", "B")]] {
            #expect(throws: Never.self) { try ConfigRules(jsonBytes: Array(#"{"product": "p", "rules": [\#(fine.joined(separator: ", "))]}"#.utf8), source: "rules.json") }
        }
    }
}
