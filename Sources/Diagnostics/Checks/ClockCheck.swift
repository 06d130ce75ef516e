import CTICore
import Licensing

/// `clock.sane`: this computer's clock against what the client has seen: the verifier
/// state's latest time (a clock set back stops the client) and, when the log check found
/// one, the newest log entry (a log from the future means the clock was ahead).
struct ClockCheck: DiagnosticCheck {
    /// The newest time a client log was written at, if known (from the log scanner).
    let newestLogEntry: @Sendable (DoctorContext) async -> Int64?
    let name = "clock.sane"
    let group = CheckGroup.clock
    var title: LocalizedText { LocalizedText(en: "Clock not behind what the client has seen", de: "Uhr nicht hinter dem, was der Client gesehen hat") }

    func run(in context: DoctorContext) async -> CheckOutcome {
        let statePath = context.startup.members["state"]?.path
        let newestLog = await newestLogEntry(context)
        guard statePath != nil || newestLog != nil else {
            return .notRun(en: "no verifier state (--state) and no client log to compare with", de: "kein Prüfzustand (--state) und kein Client-Protokoll zum Vergleich")
        }
        var findings: [Finding] = []
        let tolerance = VerificationContext.defaultClockTolerance
        if let statePath, SafeFile.exists(statePath) {
            do {
                if let setBack = ClockPolicy.setBack(now: context.now, state: try VerifierState.load(statePath), tolerance: tolerance) {
                    findings.append(setBack)
                }
            } catch {
                let message = (error as? any CTIError)?.message ?? "\(error)"
                findings.append(.warning("startup.state-damaged", en: message, de: message,
                                         fixEN: "The client starts a new state; nothing to do if this happened once.",
                                         fixDE: "Der Client legt einen neuen Zustand an; einmalig: nichts zu tun."))
            }
        }
        if let newestLog, context.now < newestLog - tolerance {
            findings.append(.warning(
                "clock.behind-logs",
                en: "The newest client log was written at \(UTCTimestamp.format(newestLog)), after the clock's \(UTCTimestamp.format(context.now)): the clock was ahead, or is now behind.",
                de: "Das neueste Client-Protokoll wurde am \(UTCTimestamp.format(newestLog)) geschrieben, nach der Uhrzeit \(UTCTimestamp.format(context.now)): Die Uhr ging vor oder geht jetzt nach.",
                fixEN: "Check the date, time and time zone of this computer.", fixDE: "Datum, Uhrzeit und Zeitzone dieses Rechners prüfen."))
        }
        return CheckOutcome(findings: findings)
    }
}

/// The checks of `ctictl doctor`, in the order the report shows them.
public enum DoctorChecks {
    public static func standard(
        historyPath: String, newestLogEntry: @escaping @Sendable (DoctorContext) async -> Int64? = { KnownIssuesCheck.newestLogWrite(in: $0) }
    ) -> [any DiagnosticCheck] {
        let shared = SharedStartup()
        return [
            LicenseValidCheck(shared: shared),
            ConfigUsersCheck(historyPath: historyPath),
            CompatibilitySupportedCheck(shared: shared),
            PBXAddressCheck(),
            PBXPortsCheck(),
            ModuleNameCheck(),
            KnownIssuesCheck(),
            ClockCheck(newestLogEntry: newestLogEntry),
        ]
    }
}
