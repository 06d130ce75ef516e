import CTICore
import Diagnostics
import Foundation
import Testing

@Suite struct LogCheckTests {
    let directory: TemporaryDirectory

    init() throws { directory = try TemporaryDirectory() }

    func context(product: String = "datev-connector", root: String? = nil, logs: [String] = [], configSchemas: String = ShippedData.configSchemas) -> DoctorContext {
        DoctorContext(product: product, profileRoot: root, logDirectories: logs, configSchemas: configSchemas, now: 1_800_000_000)
    }

    func write(_ text: String, to relative: String) throws -> String {
        let path = directory.path(relative)
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func findsTheIssuesOfEveryUserBelowAProfileTreeInAnyCase() async throws {
        _ = try write("2019-09-13 10:15:42 Registering Buddy failed: 262631\n", to: "C/Users/anna/AppData/Roaming/DatevConnector/logs/DatevConnector.log")
        _ = try write("2019-09-14 11:00:00 Registering Buddy failed: 262631\n", to: "C/users/Bernd/appdata/roaming/DATEVCONNECTOR/Logs/DatevConnector.log")
        _ = try write("2019-09-14 11:00:00 Zugangsdaten nicht korrekt\n", to: "C/Users/Carl/AppData/Roaming/Other/logs/x.log")
        let outcome = await KnownIssuesCheck().run(in: context(root: directory.path("C")))
        #expect(outcome.kind == .ran)
        let buddy = try #require(outcome.findings.first { $0.code == "log.registering-buddy-failed" })
        #expect(buddy.severity == .error)
        #expect(buddy.message.en.contains("\"Registering Buddy failed: 262631\" in the client logs (2 entries, last 2019-09-14 11:00:00 (the client's local time) in "))
        #expect(buddy.message.en.contains("Bernd") && buddy.message.de.contains("2 Einträge, zuletzt 2019-09-14 11:00:00 (Ortszeit des Clients)"))
        #expect(buddy.fix?.de.contains("deinstallieren") == true)
        #expect(!outcome.findings.contains { $0.code == "log.credentials-rejected" })
        #expect(outcome.findings.last?.code == "logs.scanned" && outcome.findings.last?.message.en.hasPrefix("2 log files") == true)
        let report = await Doctor(checks: [KnownIssuesCheck()]).run(in: context(root: directory.path("C")))
        #expect(report.exitStatus == 1)
    }

    @Test func aNamedFolderOrFileIsScannedAndAMissingOneIsAWarning() async throws {
        let log = try write("2019-09-13 10:15:42 Keine Verbindung möglich\n", to: "logs/a.log")
        let outcome = await KnownIssuesCheck().run(in: context(logs: [log, directory.path("nowhere")]))
        #expect(outcome.findings.map(\.code) == ["log.no-connection", "logs.unreadable", "logs.scanned"])
        #expect(outcome.findings[1].severity == .warning && outcome.findings[1].message.en.contains("nowhere: no such file"))
    }

    @Test func withoutALogFolderTheCheckSaysWhyItDidNotRun() async throws {
        for context in [context(), context(root: directory.path)] {
            let outcome = await KnownIssuesCheck().run(in: context)
            guard case .notRun(let reason) = outcome.kind else {
                Issue.record("ran without a log folder")
                continue
            }
            #expect(reason.en.contains("no log folder") && reason.de.contains("Protokollordner"))
        }
        let report = await Doctor(checks: [KnownIssuesCheck()]).run(in: context())
        #expect(report.exitStatus == 0 && report.results.first?.status == .notRun)
    }

    @Test func aProductWithoutSignaturesOrABrokenFileIsNotRunWithTheReason() async throws {
        let log = try write("Keine Verbindung möglich\n", to: "logs/a.log")
        guard case .notRun(let reason) = await KnownIssuesCheck().run(in: context(product: "crm-groupware", logs: [log])).kind else {
            Issue.record("crm-groupware has no signatures, yet the check ran")
            return
        }
        #expect(reason.en.contains("names no log signatures"))
        _ = try write("{\"product\": \"p\", \"issues\": 3}", to: "schemas/p/known-issues.json")
        guard case .notRun(let broken) = await KnownIssuesCheck().run(in: context(product: "p", logs: [log], configSchemas: directory.path("schemas"))).kind else {
            Issue.record("a broken known-issues.json ran")
            return
        }
        #expect(broken.en.contains("known-issues.json: issues must be an array"))
    }

    @Test func aFileNameWithControlCharactersIsEscapedInTheFinding() async throws {
        let log = try write("2019-09-13 10:15:42 Keine Verbindung möglich\n", to: "logs/evil\u{1B}[2J\u{9B}.log")
        let outcome = await KnownIssuesCheck().run(in: context(logs: [directory.path("logs")]))
        let finding = try #require(outcome.findings.first)
        #expect(finding.code == "log.no-connection")
        for text in [finding.message.en, finding.message.de] {
            #expect(!text.unicodeScalars.contains { TerminalText.isControl($0) })
            #expect(text.contains("evil\\u{1B}[2J\\u{9B}.log"))
        }
        _ = log
    }
}
