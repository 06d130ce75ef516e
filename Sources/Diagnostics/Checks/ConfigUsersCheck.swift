import CTICore
import ClientConfig
import ConfigHistory
import ReleaseCatalog

/// `config.users`: every user's settings file (below `--root`, or named with `--config`)
/// against the schema and rules of its release. A stale `UseTapiLine=True` gets a safe fix:
/// set to False through the config history, so it can be rolled back.
struct ConfigUsersCheck: DiagnosticCheck {
    /// Where fixed files are recorded (`--history`, else the default location).
    let historyPath: String
    let name = "config.users"
    let group = CheckGroup.config
    var title: LocalizedText { LocalizedText(en: "Every user's client config fits its release", de: "Client-Konfiguration jedes Benutzers passt zu ihrer Version") }

    func run(in context: DoctorContext) async -> CheckOutcome {
        var targets: [(path: String, user: String?, versionFolder: String?)] = context.configFiles.map { ($0, nil, nil) }
        var findings: [Finding] = []
        if let root = context.profileRoot {
            do {
                let discovery = try ConfigDiscovery(root: root)
                targets += discovery.configs.map { ($0.path, $0.user, $0.version) }
                if discovery.configs.isEmpty {
                    findings.append(.warning("doctor.no-configs", en: "No client config was found below \(root).", de: "Unter \(root) wurde keine Client-Konfiguration gefunden.",
                                             fixEN: "Point --root at a copy of C:\\Users (the profile folders).", fixDE: "--root auf eine Kopie von C:\\Users (die Profilordner) richten."))
                }
                // What discovery could not search (a link out of the root, an unreadable folder).
                for skipped in discovery.skipped {
                    findings.append(.warning("doctor.path-skipped", en: "\(skipped.path): \(skipped.reason.en)", de: "\(skipped.path): \(skipped.reason.de)"))
                }
            } catch {
                findings.append(.error(error.code, en: error.message, de: error.german ?? error.message))
            }
        }
        guard !targets.isEmpty || !findings.isEmpty else {
            return .notRun(en: "no config given (--config, --root)", de: "keine Konfiguration angegeben (--config, --root)")
        }
        let settings: ProductSettings
        do {
            settings = try ProductSettings.load(product: context.product, from: context.configSchemas)
        } catch {
            let message = (error as? any CTIError)?.message ?? "\(error)"
            return .notRun(en: "the product's schemas could not be read: \(message)", de: "die Schemas des Produkts waren nicht lesbar: \(message)")
        }
        let check = ConfigCheck(product: settings)
        let release = context.startup.members["clientVersion"]?.stringValue.flatMap { try? Version($0) }
        // As `config check` does: a file ctictl wrote knows its release from the history.
        let history = SafeFile.exists(historyPath) ? try? ConfigHistory(path: historyPath) : nil
        let recorded = history.map { history in { (path: String, bytes: [UInt8]) in (try? history.recordedRelease(ofFileAt: path, content: bytes)) ?? nil } }
        var fixes: [ProposedFix] = []
        for target in targets {
            let entry = check.entry(path: target.path, user: target.user, version: release, versionFolder: target.versionFolder, recordedRelease: recorded)
            let who = target.user.map { "\($0): " } ?? ""
            if let failure = entry.failure {
                findings.append(.error(failure.code, en: "\(who)\(failure.message)", de: "\(who)\(failure.message)"))
                continue
            }
            for item in entry.findings where item.finding.severity != .info {
                let finding = item.finding
                findings.append(Finding(
                    code: finding.code, severity: finding.severity,
                    message: LocalizedText(en: "\(who)\(target.path): \(finding.message.en)", de: "\(who)\(target.path): \(finding.message.de)"), fix: finding.fix))
                if finding.code == "config.tapi-line-enabled", let setting = item.setting {
                    // "at least" a release (told by the settings present) is no release to record.
                    let known = entry.releaseSource == ConfigCheck.ReleaseSource.settings.rawValue ? nil : entry.release
                    fixes.append(Self.disableTapiLine(at: target.path, setting: setting, release: known, history: historyPath))
                }
            }
        }
        return CheckOutcome(findings: findings, fixes: fixes)
    }

    /// UseTapiLine → False in `path`, written and recorded by the config history.
    static func disableTapiLine(at path: String, setting: String, release: String?, history: String) -> ProposedFix {
        ProposedFix(
            description: LocalizedText(en: "\(path): set \(setting) to False (recorded in the config history; `ctictl config rollback` undoes it)",
                                       de: "\(path): \(setting) auf False setzen (in der Konfigurationshistorie festgehalten; `ctictl config rollback` macht es rückgängig)"),
            safe: true) {
            let file = try SettingsFile(contentsOf: path)
            let sections = file.sections.map(\.path).filter { section in file.settings(in: section).contains { $0.name == setting } }
            let changed = try file.applying(sections.map { .set(section: $0, name: setting, value: "False") })
            let store = try ConfigHistory(path: history)
            let entry = try store.write(changed.bytes, to: path, command: "doctor --fix", reason: "\(setting)=True stops the call pop-up on this release",
                                        release: release, now: SystemClock.now())
            return LocalizedText(en: "\(path): \(setting) set to False (history version \(entry.version); undo: ctictl config rollback \(path))",
                                 de: "\(path): \(setting) auf False gesetzt (Historienversion \(entry.version); rückgängig: ctictl config rollback \(path))")
        }
    }
}
