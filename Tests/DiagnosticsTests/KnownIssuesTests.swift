import CTICore
import Diagnostics
import Foundation
import Testing

/// The shipped config-schemas folder.
enum ShippedData {
    static let configSchemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config-schemas").path

    static func knownIssues(_ product: String) throws -> KnownIssues {
        try KnownIssues(contentsOf: KnownIssuesCheck.knownIssuesPath(configSchemas: configSchemas, product: product))
    }
}

@Suite struct KnownIssuesTests {
    @Test func theShippedFilesLoadAndKnowTheFAQsLogMessages() throws {
        let datev = try ShippedData.knownIssues("datev-connector")
        #expect(datev.product == "datev-connector")
        #expect(datev.logFolders == ["AppData/Roaming/DatevConnector/logs"])
        let parts = datev.issues.flatMap { $0.signatures.flatMap(\.parts) }
        for message in [
            "Keine Verbindung möglich", "Zugangsdaten nicht korrekt", "Registering Buddy failed: 262631", "OLE_E_NOTRUNNING",
            "TAPI3Lib.TAPIClass.initialize", "Im Datenserver ist ein Ausnahmefehler aufgetreten", "ServerAccessBase",
            "Für den angemeldeten Windows-Benutzer",
        ] {
            #expect(parts.contains(message), "\(message)")
        }
        for issue in datev.issues {
            #expect(!issue.cause.de.isEmpty && !issue.cause.en.isEmpty && !issue.fix.de.isEmpty && !issue.fix.en.isEmpty && issue.source.contains("FAQ"))
        }
        for product in ["crm-groupware", "connector365-cti"] {
            let issues = try ShippedData.knownIssues(product)
            #expect(issues.product == product && issues.issues.isEmpty)
        }
    }

    static func document(issue: String = #"{"code": "log.x-y", "severity": "error", "signatures": [["abcd"]], "cause": {"de": "d", "en": "e"}, "fix": {"de": "d", "en": "e"}, "source": "FAQ"}"#, top: String = "") -> [UInt8] {
        Array(#"{"product": "p", \#(top) "issues": [\#(issue)]}"#.utf8)
    }

    static let malformed: [(name: String, bytes: [UInt8], says: [String])] = [
        ("not JSON", Array("{\"product\": ".utf8), ["is not valid JSON"]),
        ("unknown top member", document(top: #""isues": [],"#), ["isues is not a member of a known-issues file", "did you mean \"issues\"?"]),
        ("unknown issue member", document(issue: #"{"code": "log.x", "severity": "error", "signature": [["abcd"]], "cause": {"de": "d", "en": "e"}, "fix": {"de": "d", "en": "e"}, "source": "F"}"#),
         ["issues[0].signature is not a member of an issue", "did you mean \"signatures\"?"]),
        ("bad code", document(issue: #"{"code": "Log.X", "severity": "error", "signatures": [["abcd"]], "cause": {"de": "d", "en": "e"}, "fix": {"de": "d", "en": "e"}, "source": "F"}"#),
         ["issues[0].code \"Log.X\" is not a finding code"]),
        ("bad severity", document(issue: #"{"code": "log.x", "severity": "fatal", "signatures": [["abcd"]], "cause": {"de": "d", "en": "e"}, "fix": {"de": "d", "en": "e"}, "source": "F"}"#),
         ["issues[0].severity \"fatal\" is not a severity"]),
        ("no signature", document(issue: #"{"code": "log.x", "severity": "error", "signatures": [], "cause": {"de": "d", "en": "e"}, "fix": {"de": "d", "en": "e"}, "source": "F"}"#),
         ["issues[0].signatures is empty"]),
        ("short part", document(issue: #"{"code": "log.x", "severity": "error", "signatures": [["abc"]], "cause": {"de": "d", "en": "e"}, "fix": {"de": "d", "en": "e"}, "source": "F"}"#),
         ["issues[0].signatures[0][0] \"abc\" must be 4 to 256 bytes"]),
        ("control in part", document(issue: #"{"code": "log.x", "severity": "error", "signatures": [["ab\u001bcd"]], "cause": {"de": "d", "en": "e"}, "fix": {"de": "d", "en": "e"}, "source": "F"}"#),
         ["issues[0].signatures[0][0] holds a control character"]),
        ("nine parts", document(issue: #"{"code": "log.x", "severity": "error", "signatures": [["abcd","abcd","abcd","abcd","abcd","abcd","abcd","abcd","abcd"]], "cause": {"de": "d", "en": "e"}, "fix": {"de": "d", "en": "e"}, "source": "F"}"#),
         ["issues[0].signatures[0] must be an array of 1 to 8 strings"]),
        ("missing German", document(issue: #"{"code": "log.x", "severity": "error", "signatures": [["abcd"]], "cause": {"en": "e"}, "fix": {"de": "d", "en": "e"}, "source": "F"}"#),
         ["issues[0].cause.de is missing"]),
        ("repeated code", Array(#"{"product": "p", "issues": [{"code": "log.x", "severity": "error", "signatures": [["abcd"]], "cause": {"de": "d", "en": "e"}, "fix": {"de": "d", "en": "e"}, "source": "F"}, {"code": "log.x", "severity": "info", "signatures": [["efgh"]], "cause": {"de": "d", "en": "e"}, "fix": {"de": "d", "en": "e"}, "source": "F"}]}"#.utf8),
         ["issues[1].code \"log.x\" is the code of an earlier issue"]),
        ("absolute log folder", document(top: #""logFolders": ["/var/log"],"#), ["logFolders[0] \"/var/log\" is not a relative path"]),
        ("climbing log folder", document(top: #""logFolders": ["AppData/../.."],"#), ["logFolders[0]"]),
        ("issues not an array", Array(#"{"product": "p", "issues": {}}"#.utf8), ["issues must be an array"]),
    ]

    @Test(arguments: malformed.indices)
    func aMalformedFileIsRefusedNamingTheFileAndTheMember(_ index: Int) {
        let (name, bytes, says) = Self.malformed[index]
        do {
            _ = try KnownIssues(jsonBytes: bytes, source: "x/known-issues.json")
            Issue.record("\(name): accepted")
        } catch {
            #expect(error.errorCode == .knownIssuesMalformed && error.kind.exitStatus == 65, "\(name)")
            #expect(error.message.hasPrefix("x/known-issues.json: "), "\(name): \(error.message)")
            for text in says { #expect(error.message.contains(text), "\(name): \(error.message)") }
            #expect(!error.message.contains("\u{1B}"), "\(name)")
        }
    }

    @Test func aDecomposedUmlautIsReadComposed() throws {
        let issues = try KnownIssues(jsonBytes: Self.document(issue: #"{"code": "log.x", "severity": "warning", "signatures": [["mo\u0308glich"]], "cause": {"de": "d", "en": "e"}, "fix": {"de": "d", "en": "e"}, "source": "F"}"#), source: "k")
        #expect(issues.issues[0].signatures[0].parts == ["möglich"])
        #expect(Array(issues.issues[0].signatures[0].parts[0].utf8) == Array("möglich".utf8))
    }

    @Test func aMissingOrHugeFileIsAFileError() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: CTIFailure.self) { try KnownIssues(contentsOf: directory.path("none.json")) }
        try Data(count: Int(KnownIssues.fileLimit) + 1).write(to: URL(fileURLWithPath: directory.path("big.json")))
        do {
            _ = try KnownIssues(contentsOf: directory.path("big.json"))
            Issue.record("a file over the limit was read")
        } catch {
            #expect(error.code == "file.too-large" && error.message.contains("big.json"))
        }
    }
}
