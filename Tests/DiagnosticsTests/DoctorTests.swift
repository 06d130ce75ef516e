import CTICore
import Diagnostics
import Testing

/// A check that returns what it is given, after an optional delay.
struct FixedCheck: DiagnosticCheck {
    let name: String
    let group: CheckGroup
    var title: LocalizedText { LocalizedText(en: name, de: name) }
    let outcome: CheckOutcome
    var delayMilliseconds = 0

    func run(in context: DoctorContext) async -> CheckOutcome {
        if delayMilliseconds > 0 { try? await Task.sleep(for: .milliseconds(delayMilliseconds)) }
        return outcome
    }
}

@Suite struct DoctorTests {
    let context = DoctorContext(product: "datev-connector", configSchemas: "config-schemas", now: 0)

    @Test func resultsKeepTheChecksOrderAndTheWorstDecidesTheExitStatus() async throws {
        let warning = Finding.warning("x.warn", en: "w", de: "w")
        let error = Finding.error("x.fail", en: "f", de: "f")
        let slow = FixedCheck(name: "a.slow", group: .license, outcome: CheckOutcome(findings: []), delayMilliseconds: 50)
        let warns = FixedCheck(name: "b.warns", group: .config, outcome: CheckOutcome(findings: [warning]))
        let cannot = FixedCheck(name: "c.cannot", group: .pbx, outcome: .notRun(en: "no host", de: "kein Host"))
        var report = await Doctor(checks: [slow, warns, cannot]).run(in: context)
        #expect(report.results.map(\.name) == ["a.slow", "b.warns", "c.cannot"])
        #expect(report.results.map(\.status) == [.ok, .warning, .notRun])
        #expect(report.exitStatus == 2)
        report = await Doctor(checks: [slow, FixedCheck(name: "d.fails", group: .clock, outcome: CheckOutcome(findings: [error, warning]))]).run(in: context)
        #expect(report.exitStatus == 1)
    }

    @Test func checksAreSelectedByNameOrGroupAndATypoIsNamed() throws {
        let doctor = Doctor(checks: [
            FixedCheck(name: "license.valid", group: .license, outcome: CheckOutcome(findings: [])),
            FixedCheck(name: "pbx.ports", group: .pbx, outcome: CheckOutcome(findings: [])),
            FixedCheck(name: "pbx.address", group: .pbx, outcome: CheckOutcome(findings: [])),
        ])
        #expect(try doctor.selecting(["pbx"]).checks.map(\.name) == ["pbx.ports", "pbx.address"])
        #expect(try doctor.selecting(["license.valid", "license"]).checks.map(\.name) == ["license.valid"])
        #expect(throws: CTIFailure.self) { try doctor.selecting(["pbx.prots"]) }
        do {
            _ = try doctor.selecting(["pbx.prots"])
        } catch {
            #expect(error.message.contains("did you mean pbx.ports?"))
            #expect(error.kind == .usage)
        }
    }

    @Test func onlySafeFixesAreAppliedAndAFailingFixDoesNotStopTheOthers() async throws {
        struct Refused: Error {}
        let fixes = [
            ProposedFix(description: LocalizedText(en: "set A", de: "A setzen"), safe: true) { LocalizedText(en: "A set", de: "A gesetzt") },
            ProposedFix(description: LocalizedText(en: "reinstall", de: "neu installieren"), safe: false) { LocalizedText(en: "never", de: "nie") },
            ProposedFix(description: LocalizedText(en: "set B", de: "B setzen"), safe: true) { throw Refused() },
            ProposedFix(description: LocalizedText(en: "set C", de: "C setzen"), safe: true) { LocalizedText(en: "C set", de: "C gesetzt") },
        ]
        let check = FixedCheck(name: "config.tapi", group: .config, outcome: CheckOutcome(findings: [.error("c", en: "c", de: "c")], fixes: fixes))
        var report = await Doctor(checks: [check]).run(in: context)
        report.applySafeFixes()
        #expect(report.results[0].applied.map(\.en) == ["A set", "could not apply \"set B\": Refused()", "C set"])
    }
}
