import ArgumentParser
import ClientConfig
import ConfigHistory
import ConfigManager
import CTICore
import Foundation
import ReleaseCatalog

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the client's settings files (user.config) against their release, migrate them, and undo a change.",
        subcommands: [Check.self, Migrate.self, History.self, Rollback.self])

    /// ` (user anna)` after a path found under --root.
    static func user(_ name: String?, _ lang: Language) -> String {
        name.map { lang.say(" (user \($0))", " (Benutzer \($0))") } ?? ""
    }

    static func severity(_ severity: Severity, _ lang: Language) -> String {
        switch severity {
        case .error: lang.say("error", "Fehler")
        case .warning: lang.say("warning", "Warnung")
        case .info: lang.say("info", "Hinweis")
        }
    }

    /// The folders discovery did not search, one notice each on stderr.
    static func reportSkipped(_ skipped: [SkippedPath], _ lang: Language) {
        for path in skipped {
            Output.printError("ctictl: \(lang.say("skipped", "übersprungen")) \(path.path): \(path.reason[keyPath: lang.text])")
        }
    }
}

extension ConfigCommand {
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every finding for each settings file. Exit 0 none, 2 warnings only, 1 an error, 65 a file that does not read.")

        @Argument(help: "user.config files to check.") var files: [String] = []
        @Option(help: "A copied or mounted profile tree: check every user's config below it.") var root: String?
        @OptionGroup var catalog: CatalogOptions
        // Not --version: the root command's --version flag is parsed first and would take it.
        @Option(name: [.customLong("version"), .customLong("release")], help: "The client release the files belong to (default: the .NET version folder, else the settings present).")
        var release: String?
        @OptionGroup var history: HistoryOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            output.apply()
            guard files.isEmpty != (root == nil) else {
                throw CTIFailure(.usageMissing, files.isEmpty ? "give the user.config files to check, or --root DIR" : "give either files or --root DIR, not both")
            }
            // A file `config migrate` wrote, unchanged since, is of the release it was written for.
            let history = try self.history.openIfExists()
            let recorded = history.map { $0.recordedReleaseIfKnown }
            let check = ConfigCheck(product: try ProductSettings.load(product: catalog.product, from: try catalog.directory()))
            let release = try self.release.map { try parseVersion($0, option: "--version") }
            var entries: [ConfigCheckEntry]
            if let root {
                let discovery = try ConfigDiscovery(root: root, runner: .concurrent)
                entries = discovery.configs.filter(check.product.owns).map {
                    check.entry(path: $0.path, user: $0.user, version: release, versionFolder: $0.version, recordedRelease: recorded)
                }
                ConfigCommand.reportSkipped(discovery.skipped, output.lang)
            } else {
                entries = files.map { check.entry(path: $0, version: release, versionFolder: nil, recordedRelease: recorded) }
                // A single file whose release cannot be told is a usage error of the command.
                if entries.count == 1, let failure = entries[0].failure, failure.exitStatus == 64 {
                    throw CTIFailure(.configReleaseUndetermined, failure.message)
                }
            }
            switch output.format {
            case .json: Output.json(["files": entries], schema: "ctictl.config-check/1")
            case .text: Output.print(text(entries).joined(separator: "\n"))
            }
            let status = ConfigCheckEntry.worstStatus(entries)
            if status != 0 { throw ExitCode(status) }
        }

        func text(_ entries: [ConfigCheckEntry]) -> [String] {
            var lines: [String] = []
            let lang = output.lang
            for entry in entries {
                let head = entry.path + ConfigCommand.user(entry.user, lang)
                if let failure = entry.failure {
                    lines.append("\(head): \(lang.say("not checked", "nicht geprüft")): \(failure.text[keyPath: lang.text]) [\(failure.code)]")
                    continue
                }
                let source = entry.releaseSource.flatMap(ConfigCheck.ReleaseSource.init(rawValue:))?.text[keyPath: lang.text] ?? ""
                let release = entry.release.map { lang.say("release \($0) (\(source))", "Version \($0) (\(source))") } ?? lang.say("any release", "jede Version")
                let count = entry.findings.count
                let found = count == 0 ? lang.say("no findings", "keine Befunde") : lang.say("\(count) finding(s)", "\(count) Befund(e)")
                lines.append("\(head): \(release): \(found)")
                for item in entry.findings {
                    lines.append("  \(ConfigCommand.severity(item.finding.severity, lang)): \(item.finding.message[keyPath: lang.text]) [\(item.finding.code)]")
                    if let fix = item.finding.fix { lines.append("    \(lang.say("fix", "Abhilfe")): \(fix[keyPath: lang.text])") }
                }
            }
            let findings = entries.flatMap(\.findings).map(\.finding)
            let errors = findings.filter { $0.severity == .error }.count, warnings = findings.filter { $0.severity == .warning }.count
            let failed = entries.filter { $0.failure != nil }.count
            lines.append(lang.say(
                "\(entries.count) file(s): \(errors) error(s), \(warnings) warning(s), \(failed) not checked",
                "\(entries.count) Datei(en): \(errors) Fehler, \(warnings) Warnung(en), \(failed) nicht geprüft"))
            return lines
        }
    }
}

/// `--history DB`: the config history (default: $CTICTL_CONFIG_HISTORY, XDG, ~/.local/share).
struct HistoryOptions: ParsableArguments {
    @Option(help: "The config history database (default: $CTICTL_CONFIG_HISTORY, else $XDG_DATA_HOME/ctictl/config-history.sqlite, else ~/.local/share/ctictl/config-history.sqlite).")
    var history: String?

    var path: String { ConfigHistoryLocation.resolve(explicit: history, environment: ProcessInfo.processInfo.environment) }

    func open() throws -> ConfigHistory {
        try ConfigHistory(path: path)
    }


    /// The history if there is one, for commands that only look (nothing is created).
    func openIfExists() throws -> ConfigHistory? {
        SafeFile.exists(path) ? try open() : nil
    }
}

extension ConfigCommand {
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Migrate settings files to a release: a backup, the new file atomically, both recorded in the history. Exit 0 all migrated or unchanged, 1 any refused.")

        @Argument(help: "user.config files to migrate.") var files: [String] = []
        @Option(help: "A copied or mounted profile tree: migrate every user's config below it.") var root: String?
        @OptionGroup var catalog: CatalogOptions
        @Option(help: "The release to migrate to.") var to: String
        @Option(help: "The release the files are from (default: the .NET version folder, else the settings present).") var from: String?
        @Flag(help: "Show each file's changes; write nothing.") var dryRun = false
        @OptionGroup var history: HistoryOptions
        @OptionGroup var output: OutputOptions

        /// One file's outcome, for the text and the JSON output.
        struct Entry: Encodable {
            enum Outcome: String, Encodable { case migrated, wouldMigrate = "would-migrate", unchanged, failed }
            let path: String
            var user: String? = nil
            var from: String? = nil
            var fromSource: String? = nil
            var to: String
            var outcome: Outcome = .failed
            var changes: [Change] = []
            /// The history's version of the migrated file, after a real run.
            var historyVersion: Int64? = nil
            var failure: ConfigCheckEntry.Failure? = nil

            var exitStatus: Int32 { failure?.exitStatus ?? 0 }

            init(path: String, user: String?, to: String) {
                self.path = path
                self.user = user
                self.to = to
            }

            /// A file's outcome as the library reports it.
            init(_ file: ConfigMigrationBatch.FileOutcome, to target: Version) {
                self.init(path: file.path, user: file.user, to: target.description)
                let result: ConfigMigration.Result
                switch file.migration {
                case .failure(let error):
                    failure = Migrate.failure(error, path: path)
                    return
                case .success(let computed): result = computed
                }
                from = result.from.description
                // The release given on the command line is this command's --from.
                fromSource = result.fromSource == .option ? "--from" : result.fromSource.rawValue
                changes = result.outcome.changes.map(Change.init)
                switch file.write {
                case .none: outcome = result.outcome.changed ? .wouldMigrate : .unchanged
                case .written(let entry):
                    outcome = .migrated
                    historyVersion = entry.version
                case .failed(let error): failure = Migrate.failure(error, path: path)
                }
            }
        }

        struct Change: Encodable {
            let kind: String, section: String, setting: String
            let previousSection: String?, previousName: String?, oldValue: String?, newValue: String?
            let steps: [String]
            let text: String
            /// The text in both languages, for the text output.
            let localized: LocalizedText

            private enum CodingKeys: String, CodingKey { case kind, section, setting, previousSection, previousName, oldValue, newValue, steps, text }

            init(_ change: MigrationChange) {
                kind = change.kind.rawValue
                section = change.section
                setting = change.name
                previousSection = change.previousSection
                previousName = change.previousName
                oldValue = change.oldValue
                newValue = change.newValue
                steps = change.steps
                localized = change.text
                text = localized.en
            }
        }

        func run() throws {
            output.apply()
            guard files.isEmpty != (root == nil) else {
                throw CTIFailure(.usageMissing, files.isEmpty ? "give the user.config files to migrate, or --root DIR" : "give either files or --root DIR, not both")
            }
            let directory = try catalog.directory()
            let target = try parseVersion(to, option: "--to")
            let from = try self.from.map { try parseVersion($0, option: "--from") }
            let migration = try ConfigMigration(
                check: ConfigCheck(product: try ProductSettings.load(product: catalog.product, from: directory)),
                migrations: try MigrationSet.load(product: catalog.product, from: directory),
                releases: try catalog.load().versionedReleases.compactMap(\.version), target: target)
            let history = dryRun ? try self.history.openIfExists() : try self.history.open()
            let batch = ConfigMigrationBatch(migration: migration, from: from, history: history, writes: !dryRun)
            var progress: ProgressLine?
            let (outcomes, skipped) = try batch.run(root.map { .root($0) } ?? .paths(files)) { done, total in
                guard root != nil else { return }
                if progress == nil { progress = ProgressLine(total: total, label: output.lang.say("profiles done", "Profile erledigt")) }
                progress?.update(done)
            }
            progress?.finish()
            ConfigCommand.reportSkipped(skipped, output.lang)
            let entries = outcomes.map { Entry($0, to: target) }
            switch output.format {
            case .json: Output.json(["files": entries], schema: "ctictl.config-migrate/1")
            case .text: Output.print(text(entries).joined(separator: "\n"))
            }
            // As config check: a failure's own status (65 before 64), else 1 for a refusal.
            let statuses = entries.map(\.exitStatus)
            let status = statuses.filter { $0 > 2 }.max() ?? statuses.max() ?? 0
            if status != 0 { throw ExitCode(status) }
        }

        static func failure(_ error: any Error, path: String) -> ConfigCheckEntry.Failure {
            ConfigCheckEntry.Failure((error as? CTIError).map(CTIFailure.init) ?? CTIFailure(.historyWriteFailed, "\(path): \(error)"))
        }

        func text(_ entries: [Entry]) -> [String] {
            let lang = output.lang
            var lines: [String] = []
            for entry in entries {
                let head = entry.path + ConfigCommand.user(entry.user, lang)
                if let failure = entry.failure {
                    lines.append("\(head): \(lang.say("not migrated", "nicht migriert")): \(failure.text[keyPath: lang.text]) [\(failure.code)]")
                    continue
                }
                // The release source as config check names it; this command's option stays --from.
                let source = entry.fromSource.flatMap(ConfigCheck.ReleaseSource.init(rawValue:))?.text[keyPath: lang.text] ?? entry.fromSource ?? ""
                let route = "\(entry.from ?? "?") (\(source)) → \(entry.to)"
                let changes = entry.changes.count
                switch entry.outcome {
                case .unchanged:
                    lines.append(lang.say("\(head): unchanged, already at \(entry.to) (from \(route))", "\(head): unverändert, schon auf \(entry.to) (von \(route))"))
                case .wouldMigrate:
                    lines.append(lang.say(
                        "\(head): would migrate \(route), \(changes) change(s); nothing written",
                        "\(head): würde migriert: \(route), \(changes) Änderung(en); nichts geschrieben"))
                case .migrated:
                    let version = entry.historyVersion ?? 0
                    lines.append(lang.say(
                        "\(head): migrated \(route), \(changes) change(s); backup \(entry.path).bak, history version \(version)",
                        "\(head): migriert: \(route), \(changes) Änderung(en); Sicherung \(entry.path).bak, Version \(version) in der Historie"))
                case .failed: break
                }
                if entry.outcome != .unchanged { lines += entry.changes.map { "  \($0.localized[keyPath: lang.text])" } }
            }
            func count(_ outcome: Entry.Outcome) -> Int { entries.filter { $0.failure == nil && $0.outcome == outcome }.count }
            let unchanged = count(.unchanged), failed = entries.filter { $0.failure != nil }.count
            let done = dryRun
                ? lang.say("\(count(.wouldMigrate)) to migrate", "\(count(.wouldMigrate)) zu migrieren")
                : lang.say("\(count(.migrated)) migrated", "\(count(.migrated)) migriert")
            lines.append(lang.say(
                "\(entries.count) file(s): \(done), \(unchanged) unchanged, \(failed) not migrated",
                "\(entries.count) Datei(en): \(done), \(unchanged) unverändert, \(failed) nicht migriert"))
            return lines
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The versions of a settings file that ctictl recorded, oldest first.")

        @Argument(help: "The settings file.") var file: String
        @OptionGroup var history: HistoryOptions
        @OptionGroup var output: OutputOptions

        struct Row: Encodable {
            let version: Int64, recordedAt: String, command: String, reason: String, sha256: String, intact: Bool
        }

        func run() throws {
            output.apply()
            let entries = try history.open().history(path: file)
            let versions = entries.map {
                Row(version: $0.version, recordedAt: UTCTimestamp.format($0.recordedAt), command: $0.command, reason: $0.reason, sha256: $0.sha256, intact: $0.isIntact)
            }
            switch output.format {
            case .json: Output.json(["versions": versions], schema: "ctictl.config-history/1")
            case .text:
                let lang = output.lang
                guard !versions.isEmpty else { return Output.print(lang.say("\(file): no versions recorded", "\(file): keine Versionen aufgezeichnet")) }
                // The reason column is the record itself, as the writing command worded it.
                let tampered = lang.say(" TAMPERED", " VERÄNDERT")
                Output.print(TextTable.render(
                    header: lang == .de ? ["VERSION", "AUFGEZEICHNET", "BEFEHL", "SHA-256", "GRUND"] : ["VERSION", "RECORDED", "COMMAND", "SHA-256", "REASON"],
                    rows: versions.map { ["\($0.version)", $0.recordedAt, $0.command, String($0.sha256.prefix(12)) + ($0.intact ? "" : tampered), $0.reason] }))
            }
        }
    }

    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a recorded version of a settings file (verified by its hash; the restore is recorded too).")

        @Argument(help: "The settings file.") var file: String
        @Option(help: "The version to restore (default: the one before the newest).") var to: Int64?
        @OptionGroup var history: HistoryOptions
        @Option(help: "Language of messages: en or de.") var lang: Language = .en

        func run() throws {
            Output.language = lang
            let history = try self.history.open()
            let version: Int64
            if let to {
                version = to
            } else {
                let versions = try history.history(path: file).map(\.version)
                guard versions.count >= 2 else {
                    throw CTIFailure(
                        .historyVersionUnknown,
                        "\(file): the history \(history.path) has \(versions.count) version(s) of this file, none before the newest to go back to (see `ctictl config history`)",
                        german: "\(file): die Historie \(history.path) hat \(versions.count) Version(en) dieser Datei, keine vor der neuesten, zu der es zurückginge (siehe `ctictl config history`)")
                }
                version = versions[versions.count - 2]
            }
            let entry = try history.rollback(path: file, to: version, now: SystemClock.now())
            let hash = entry.sha256.prefix(12)
            Output.print(lang.say(
                "\(file): restored version \(version) (sha256 \(hash)); backup \(file).bak, recorded as version \(entry.version)",
                "\(file): Version \(version) wiederhergestellt (sha256 \(hash)); Sicherung \(file).bak, aufgezeichnet als Version \(entry.version)"))
        }
    }
}
