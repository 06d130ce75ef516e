import CTICore
import Diagnostics
import Foundation
import Testing

/// The bundle's HTML report as support sees it: a real headless browser (Debian's chromium)
/// loads it without errors and shows every check's status (skipped, saying why, where chromium
/// is missing; failed under CI). With CTICTL_DOCS_SCREENSHOT set to
/// a path, the screenshot is also copied there (docs/doctor-report.png is made so).
@Suite struct BundleHTMLBrowserTests {
    static let chromiumPath = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }

    let folder: TemporaryDirectory

    init() throws {
        folder = try TemporaryDirectory("ctictl-html")
    }

    /// A report with every status, fixes proposed and applied, and text that must be escaped
    /// (with `hostile`, markup that would run if it were not).
    static func report(hostile: Bool = false) async -> DoctorReport {
        let markup = hostile ? " <script>alert(1)</script>" : ""
        let checks: [any DiagnosticCheck] = [
            FixedCheck(name: "license.valid", group: .license, outcome: CheckOutcome(findings: [])),
            FixedCheck(name: "config.tapi-line", group: .config, outcome: CheckOutcome(
                findings: [.error("config.tapi-line-enabled", en: "UseTapiLine is True for user-1", de: "UseTapiLine ist True für user-1",
                                  fixEN: "set UseTapiLine to False", fixDE: "UseTapiLine auf False setzen")],
                fixes: [ProposedFix(description: LocalizedText(en: "set UseTapiLine to False", de: "UseTapiLine auf False setzen"), safe: true) {
                    LocalizedText(en: "UseTapiLine set to False (history entry 3)", de: "UseTapiLine auf False gesetzt (Verlaufseintrag 3)")
                }])),
            FixedCheck(name: "pbx.address", group: .pbx, outcome: CheckOutcome(findings: [
                .warning("pbx.public-address", en: "host-1 is the public address ip-1 of \"PBX\" & not the LAN address\(markup)", de: "öffentliche Adresse",
                         fixEN: "enter the LAN address in StarfaceHost", fixDE: "LAN-Adresse eintragen"),
            ])),
            FixedCheck(name: "module.name", group: .module, outcome: CheckOutcome(findings: [
                .error("module.name-spaces", en: "\"DATEVConnector forSTARFACE\" has a space", de: "Leerzeichen im Namen",
                       fixEN: "rename the module configuration to DATEVConnectorforSTARFACE", fixDE: "umbenennen"),
            ], fixes: [ProposedFix(description: LocalizedText(en: "rename the module configuration in the STARFACE admin", de: "in der STARFACE umbenennen"), safe: false)])),
            FixedCheck(name: "logs.known-issues", group: .logs, outcome: .notRun(en: "no log folder was given", de: "kein Protokollordner angegeben")),
            FixedCheck(name: "clock.skew", group: .clock, outcome: CheckOutcome(findings: [])),
        ]
        var report = await Doctor(checks: checks).run(in: DoctorContext(product: "datev-connector", configSchemas: "config-schemas", now: 1_764_131_762))
        report.applySafeFixes()
        return report
    }

    @Test func thePageLoadsNothingAndEscapesEveryText() async {
        let html = HTMLReport(report: await Self.report(hostile: true)).render()
        for forbidden in ["<script", "<link", "<img", "<iframe", "src=", "href=", "url(", "@import", "http://", "https://"] {
            #expect(!html.contains(forbidden), "\(forbidden) in the page")
        }
        #expect(html.contains("ip-1 of &quot;PBX&quot; &amp; not the LAN address &lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(html.contains("<meta charset=\"utf-8\">") && html.contains("<style>"))
        let german = HTMLReport(report: await Self.report(), german: true).render()
        #expect(german.contains("<html lang=\"de\">") && german.contains("Ursache") && german.contains("Verbindung zur TK-Anlage"))
    }

    @Test func theRedactionIsAppliedToEveryTextBeforeEscaping() async {
        let redactor = Redactor()
        redactor.learn(.user, "anna")
        let html = HTMLReport(report: await Self.report(), transform: { redactor.redact($0.replacingOccurrences(of: "user-1", with: "anna@kanzlei.de")) }).render()
        #expect(!html.contains("anna") && html.contains("UseTapiLine is True for user-1@host-1"))
    }

    /// Runs chromium on `page`; returns its standard output and error.
    private func chromium(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(Self.chromiumPath))
        process.arguments = [
            "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--disable-extensions", "--enable-logging=stderr", "--v=0",
            "--user-data-dir=" + folder.path("profile"),
        ] + arguments
        let output = folder.path("chromium.out"), errors = folder.path("chromium.err")
        _ = FileManager.default.createFile(atPath: output, contents: nil)
        _ = FileManager.default.createFile(atPath: errors, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
        try process.run()
        let deadline = Date().addingTimeInterval(90)
        while process.isRunning, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return (process.terminationStatus, try String(contentsOfFile: output, encoding: .utf8), try String(contentsOfFile: errors, encoding: .utf8))
    }

    /// The browser's lines about the page's console and failed loads.
    private static func problems(_ errors: String) -> [String] {
        errors.split(separator: "\n").map(String.init).filter { $0.contains("CONSOLE") || $0.contains("net::ERR") || $0.contains("Failed to load") }
    }

    /// Under CI a missing chromium fails the test; elsewhere it is skipped with the reason.
    @Test(.enabled(if: chromiumPath != nil || ProcessInfo.processInfo.environment["CI"] != nil, "chromium is not installed: scripts/setup.sh --with-python installs it"))
    func aHeadlessBrowserLoadsThePageWithoutErrorsAndShowsEveryStatus() async throws {
        // First a page that does log an error: proves the browser's console reaches us.
        let control = folder.path("control.html")
        try Data("<!DOCTYPE html><title>c</title><script>console.error('ctictl-control-error')</script>".utf8).write(to: URL(fileURLWithPath: control))
        let controlRun = try chromium(["--dump-dom", "file://" + control])
        #expect(Self.problems(controlRun.errors).contains { $0.contains("ctictl-control-error") }, "the browser's console is not seen: \(controlRun.errors)")

        let page = folder.path("report.html")
        let report = await Self.report(hostile: true)
        try Data(HTMLReport(report: report).render().utf8).write(to: URL(fileURLWithPath: page))
        let run = try chromium(["--dump-dom", "file://" + page])
        #expect(run.status == 0)
        #expect(Self.problems(run.errors).isEmpty, "\(Self.problems(run.errors))")
        let dom = run.output
        #expect(!dom.contains("<script"), "escaped text became an element")
        for result in report.results {
            #expect(dom.contains("id=\"check-\(result.name)\" data-status=\"\(result.status.rawValue)\""), "\(result.name) missing")
        }
        for mark in ["✓", "!", "✗", "–"] { #expect(dom.contains("class=\"mark\"") && dom.contains(">\(mark)</span>"), "mark \(mark)") }
        #expect(dom.contains("Applied:</b> UseTapiLine set to False (history entry 3)"))

        // The screenshot (docs/doctor-report.png) shows a report as a customer's would look.
        try Data(HTMLReport(report: await Self.report()).render().utf8).write(to: URL(fileURLWithPath: page))
        let screenshot = folder.path("doctor-report.png")
        let shot = try chromium(["--screenshot=" + screenshot, "--window-size=1000,1250", "--hide-scrollbars", "file://" + page])
        #expect(shot.status == 0)
        let png = try SafeFile.read(screenshot, limit: 1 << 24)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 10_000)
        if let target = ProcessInfo.processInfo.environment["CTICTL_DOCS_SCREENSHOT"] { try SafeFile.write(png, to: target) }
    }
}
