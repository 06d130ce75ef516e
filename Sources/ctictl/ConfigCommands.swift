import ArgumentParser
import ClientConfig
import CTICore
import ReleaseCatalog

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config", abstract: "Check the client's settings files (user.config) against their release.",
        subcommands: [Check.self])
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
        @OptionGroup var output: OutputOptions

        func run() throws {
            Output.format = output.format
            guard files.isEmpty != (root == nil) else {
                throw CTIFailure(.usageMissing, files.isEmpty ? "give the user.config files to check, or --root DIR" : "give either files or --root DIR, not both")
            }
            let check = ConfigCheck(product: try ProductSettings.load(product: catalog.product, from: try catalog.directory()))
            let release = try self.release.map { try parseVersion($0, option: "--version") }
            var entries: [ConfigCheckEntry]
            if let root {
                let discovery = try ConfigDiscovery(root: root)
                entries = discovery.configs.filter(check.product.owns).map {
                    check.entry(path: $0.path, user: $0.user, version: release, versionFolder: $0.version)
                }
                for skipped in discovery.skipped { Output.printError("ctictl: skipped \(skipped.path): \(skipped.reason)") }
            } else {
                entries = files.map { check.entry(path: $0, version: release, versionFolder: nil) }
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
            for entry in entries {
                let who = entry.user.map { " (user \($0))" } ?? ""
                if let failure = entry.failure {
                    lines.append("\(entry.path)\(who): not checked: \(failure.message) [\(failure.code)]")
                    continue
                }
                let release = entry.release.map { "release \($0) (\(entry.releaseSource ?? ""))" } ?? "any release"
                lines.append("\(entry.path)\(who): \(release): \(entry.findings.isEmpty ? "no findings" : "\(entry.findings.count) finding(s)")")
                for item in entry.findings {
                    lines.append("  \(item.finding.severity.rawValue): \(item.finding.message[keyPath: output.lang.text]) [\(item.finding.code)]")
                    if let fix = item.finding.fix { lines.append("    \(output.lang == .de ? "Abhilfe" : "fix"): \(fix[keyPath: output.lang.text])") }
                }
            }
            let findings = entries.flatMap(\.findings).map(\.finding)
            let errors = findings.filter { $0.severity == .error }.count, warnings = findings.filter { $0.severity == .warning }.count
            let failed = entries.filter { $0.failure != nil }.count
            lines.append("\(entries.count) file(s): \(errors) error(s), \(warnings) warning(s), \(failed) not checked")
            return lines
        }
    }
}
