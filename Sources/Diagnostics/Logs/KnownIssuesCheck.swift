import CTICore
import ReleaseCatalog

/// `logs.known-issues`: the client logs of every user below `--root` and of the folders named
/// with `--logs`, scanned for the known issues of `config-schemas/<product>/known-issues.json`;
/// each issue found is a finding with cause, fix, count and when it was last seen.
public struct KnownIssuesCheck: DiagnosticCheck {
    public let options: LogScanOptions

    public init(options: LogScanOptions = LogScanOptions()) {
        self.options = options
    }

    public var name: String { "logs.known-issues" }
    public var group: CheckGroup { .logs }
    public var title: LocalizedText {
        LocalizedText(en: "Known problems in the client logs", de: "Bekannte Probleme in den Client-Protokollen")
    }

    public static func knownIssuesPath(configSchemas: String, product: String) throws(CTIFailure) -> String {
        try CatalogDirectory.productFolder(product, in: configSchemas) + "/known-issues.json"
    }

    /// The log folders of a run: those named with `--logs`, and each profile's below `--root`
    /// (where the product's known-issues.json says its client writes them).
    static func logFolders(in context: DoctorContext, relativePaths: [String]) -> [String] {
        var folders = context.logDirectories
        if let root = context.profileRoot {
            folders += LogLocations.folders(underProfileRoot: root, relativePaths: relativePaths)
        }
        return folders
    }

    /// Where the product's client writes its logs below a profile (from known-issues.json;
    /// the DATEV Connector's folder when that file cannot be read).
    static func logFolders(product: String, configSchemas: String) -> [String] {
        guard let path = try? knownIssuesPath(configSchemas: configSchemas, product: product), let knownIssues = try? KnownIssues(contentsOf: path) else {
            return ["AppData/Roaming/DatevConnector/logs"]
        }
        return knownIssues.logFolders
    }

    /// When the newest client log was last written (its modification time), for the clock
    /// check; nil without logs.
    public static func newestLogWrite(in context: DoctorContext) -> Int64? {
        let folders = logFolders(in: context, relativePaths: logFolders(product: context.product, configSchemas: context.configSchemas))
        return LogLocations.files(in: folders).files.first?.modified
    }

    public func run(in context: DoctorContext) async -> CheckOutcome {
        let knownIssues: KnownIssues
        let path: String
        do {
            path = try Self.knownIssuesPath(configSchemas: context.configSchemas, product: context.product)
            knownIssues = try KnownIssues(contentsOf: path)
        } catch {
            return .notRun(en: "the known issues cannot be read: \(error.message)", de: "die bekannten Probleme sind nicht lesbar: \(error.message)")
        }
        guard !knownIssues.issues.isEmpty else {
            let quoted = TerminalText.line(path)
            return .notRun(en: "\(quoted) names no log signatures for \(context.product)", de: "\(quoted) nennt keine Protokoll-Signaturen für \(context.product)")
        }
        let folders = Self.logFolders(in: context, relativePaths: knownIssues.logFolders)
        guard !folders.isEmpty else { return Self.noLogFolder(context: context, knownIssues: knownIssues) }
        let (files, skipped) = LogLocations.files(in: folders)
        let report = LogScanner(knownIssues: knownIssues, options: options).scan(files)
        var findings = report.findings.map(Self.finding)
        for skip in skipped + report.skipped {
            let reason = TerminalText.line(skip.reason)
            findings.append(.warning("logs.unreadable", en: "not scanned: \(reason)", de: "nicht durchsucht: \(reason)"))
        }
        findings.append(Self.summary(report, folders: folders.count))
        return CheckOutcome(findings: findings)
    }

    static func noLogFolder(context: DoctorContext, knownIssues: KnownIssues) -> CheckOutcome {
        let below = knownIssues.logFolders.map { "Users/<name>/\($0)" }.joined(separator: ", ")
        if let root = context.profileRoot {
            let quoted = TerminalText.line(root)
            return .notRun(en: "no log folder below \(quoted) (looked for \(below)); name one with --logs",
                           de: "kein Protokollordner unter \(quoted) (gesucht: \(below)); mit --logs einen angeben")
        }
        return .notRun(en: "no log folder: give a copied profile tree with --root or a log folder with --logs",
                       de: "kein Protokollordner: einen kopierten Profilbaum mit --root oder einen Protokollordner mit --logs angeben")
    }

    /// One issue found: what was seen, how often and when last, then the FAQ's cause; the fix apart.
    static func finding(_ found: LogIssueFinding) -> Finding {
        let signature = found.issue.signatures.first?.text ?? found.issue.code
        let file = TerminalText.line(found.file)
        let time = found.lastSeen.text
        let entriesEN = found.count == 1 ? "1 entry" : "\(found.count) entries"
        let entriesDE = found.count == 1 ? "1 Eintrag" : "\(found.count) Einträge"
        return Finding(
            code: found.issue.code, severity: found.issue.severity,
            message: LocalizedText(
                en: "\"\(signature)\" in the client logs (\(entriesEN), last \(time.en) in \(file)): \(found.issue.cause.en)",
                de: "\"\(signature)\" in den Client-Protokollen (\(entriesDE), zuletzt \(time.de) in \(file)): \(found.issue.cause.de)"),
            fix: found.issue.fix)
    }

    static func summary(_ report: LogScanReport, folders: Int) -> Finding {
        let bytes = report.scanned.reduce(0) { $0 + $1.bytes }
        let size = bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : bytes >= 1 << 10 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
        return .info(
            "logs.scanned",
            en: "\(report.scanned.count) log files (\(size)) in \(folders) folders read, newest first",
            de: "\(report.scanned.count) Protokolldateien (\(size)) in \(folders) Ordnern gelesen, die neuesten zuerst")
    }
}
