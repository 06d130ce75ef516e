import ArgumentParser
import CTICore
import Diagnostics
import ReleaseCatalog

/// `ctictl doctor`: named checks that know the FAQ, safe fixes, a report for people and for
/// scripts (docs/doctor.md). The checks live in the Diagnostics library.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Diagnose a client installation: license, every user's config, compatibility, PBX connection, module name, logs, clock.",
        discussion: "Exit status: 0 all good, 2 warnings only, 1 something fails, 64 bad usage, 70 doctor itself failed.")

    @OptionGroup var inputs: StartupOptions
    @Option(help: "A copied or mounted profile tree (C:\\Users): every user's config and logs below it.")
    var root: String?
    @Option(name: .customLong("logs"), help: "A client log folder (repeatable).")
    var logs: [String] = []
    @Option(name: .customLong("module-name"), help: "The STARFACE module configuration's name, as typed there.")
    var moduleName: String?
    @Option(name: .customLong("module-export"), help: "An export of the STARFACE module configuration.")
    var moduleExport: String?
    @Flag(help: "Reach no network: the PBX checks say they did not run.")
    var offline = false
    @Option(help: "How long a network probe may wait, in milliseconds.")
    var timeout: Int = 2_000
    @Flag(name: .customLong("list-checks"), help: "List the checks and exit.")
    var listChecks = false
    @Option(name: .customLong("check"), help: "Run only this check or group (repeatable).")
    var only: [String] = []
    @Flag(help: "Apply the fixes marked safe (each is recorded; config changes can be rolled back).")
    var fix = false
    @Option(help: "Write a support bundle (ZIP, redacted; the pseudonym mapping is kept beside it, never in it).")
    var bundle: String?
    @Option(name: .customLong("catalog-dir"), help: "The config-schemas folder (default: as for config check).")
    var catalogDir: String?
    @OptionGroup var history: HistoryOptions
    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text
    @Option(help: "Language of the text: en or de (default: from LANG).")
    var lang: Language?

    func run() async throws {
        Output.format = format
        let language = lang ?? Language.fromEnvironment()
        // Errors (a bad --check, an existing bundle) speak the report's language too.
        Output.language = language
        var doctor = Doctor(checks: DoctorChecks.standard(historyPath: history.path))
        if listChecks {
            printChecks(doctor, language: language)
            return
        }
        doctor = try doctor.selecting(only)
        guard timeout > 0, timeout <= 60_000 else {
            throw CTIFailure(.usageConflict, "--timeout \(timeout): give 1 to 60000 milliseconds", german: "--timeout \(timeout): geben Sie 1 bis 60000 Millisekunden an")
        }
        let schemas = try CatalogDirectory.locate(option: catalogDir ?? inputs.configSchemas).path
        let invocation = try inputs.invocation()
        let context = DoctorContext(
            product: inputs.product ?? invocation.members["product"]?.stringValue ?? "datev-connector", startup: invocation, profileRoot: root,
            logDirectories: logs, moduleName: moduleName, moduleExport: moduleExport, configSchemas: schemas,
            now: try inputs.at.map { try DateArgument.start($0, option: "--at") } ?? SystemClock.now(), probeTimeoutMilliseconds: offline ? nil : timeout)
        var report = await doctor.run(in: context)
        if fix { report.applySafeFixes() }
        let text = report.text(language: language.text, fixing: fix)
        let json = report.json
        // The bundle first: if it cannot be written, that is the error, before any report.
        let written = try bundle.map {
            try SupportBundle(report: report, renderedText: text, renderedJSON: json, context: context, german: language == .de).write(to: $0)
        }
        switch format {
        case .json: Output.jsonDocument(json)
        case .text: Output.print(text)
        }
        if let written { Output.printError(written.line[keyPath: language.text]) }
        if report.exitStatus != 0 { throw ExitCode(report.exitStatus) }
    }

    private func printChecks(_ doctor: Doctor, language: Language) {
        switch format {
        case .json:
            struct Listed: Encodable {
                let name: String
                let group: String
                let title: LocalizedText
            }
            Output.json(["checks": doctor.checks.map { Listed(name: $0.name, group: $0.group.rawValue, title: $0.title) }], schema: "ctictl.doctor-checks/1")
        case .text:
            let width = doctor.checks.map(\.name.count).max() ?? 0
            Output.print(doctor.checks.map { $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.title[keyPath: language.text] }.joined(separator: "\n"))
        }
    }
}

extension Language {
    /// German when the environment's locale is German (LC_ALL, LC_MESSAGES, LANG), else English.
    static func fromEnvironment() -> Language {
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = EnvironmentVariables.value(name), !value.isEmpty else { continue }
            return value.lowercased().hasPrefix("de") ? .de : .en
        }
        return .en
    }
}
