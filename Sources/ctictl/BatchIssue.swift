import ArgumentParser
import CTICore
import Dispatch
import Ledger
import Licensing

#if canImport(Glibc)
import Glibc
#endif

/// `license issue --batch`: one license per CSV row, idempotent by order id, with per-row
/// errors, a dry run, and a progress bar on a terminal.
struct BatchIssue {
    let file: String
    let outDir: String?
    let dryRun: Bool
    let signing: SigningOptions
    let products: ProductsOption
    let ledger: LedgerOption
    let output: OutputOptions

    struct RowReport: Encodable {
        let row: Int
        let orderID: String?
        let outcome: String  // issued, existing, would-issue, error
        let serial: String?
        let file: String?
        let message: String?
        /// Every problem of a row that was refused, each with its column.
        var problems: [OrderSheet.Problem]? = nil
    }

    func run() throws {
        let text = String(decoding: try SafeFile.read(file, limit: 256 << 20), as: UTF8.self)
        let now = SystemClock.now()
        let sheet = try OrderSheet(csv: text, source: file, now: now, products: try products.known())
        var reports = Dictionary(grouping: sheet.problems, by: \.row).map { row, problems in
            RowReport(
                row: row, orderID: nil, outcome: "error", serial: nil, file: nil,
                message: problems.map { ($0.column.map { "column \($0): " } ?? "") + $0.message }.joined(separator: "; "), problems: problems)
        }
        if dryRun {
            // A dry run creates no ledger: without one, every row would be issued.
            let ledger = try self.ledger.openIfExists()
            let previews = try ledger?.preview(sheet.rows.map(\.request)) ?? sheet.rows.map { _ in .success(nil) }
            for (row, preview) in zip(sheet.rows, previews) {
                switch preview {
                case let .success(entry?):
                    reports.append(RowReport(row: row.number, orderID: entry.orderID, outcome: "existing", serial: entry.serial, file: nil, message: nil))
                case .success(nil):
                    reports.append(RowReport(row: row.number, orderID: row.request.orderID, outcome: "would-issue", serial: nil, file: nil, message: nil))
                case let .failure(error):
                    reports.append(RowReport(row: row.number, orderID: row.request.orderID, outcome: "error", serial: nil, file: nil, message: "\(error.message) [\(error.code)]"))
                }
            }
            try finish(reports, ledgerPath: ledger?.path ?? self.ledger.path)
            return
        }
        guard let outDir else { throw CTIFailure(.usageMissing, "--out-dir DIR is required with --batch (where the license files go)") }
        // The folder is made and checked before anything is signed or committed.
        do {
            if !SafeFile.exists(outDir) { try SafeFile.makeDirectory(outDir) }
            try SafeFile.checkWritableDirectory(outDir)
        } catch {
            throw CTIFailure(.usageOutUnwritable, "--out-dir \(error.message); nothing was issued")
        }
        let ledger = try self.ledger.openCreating()
        let issuer = try signing.issuer()
        let progress = ProgressLine(total: sheet.rows.count, label: "issued")
        // Each chunk's files are written (atomically, in the background) once its ledger rows
        // are committed, and flushed to disk once at the end.
        let files = LicenseFiles.Writer(directory: outDir)
        let results: [Result<IssueOutcome, CTIFailure>]
        do {
            results = try ledger.issueBatch(
                sheet.rows.map(\.request), with: issuer, now: now, progress: progress.update, committed: files.enqueue)
        } catch {
            // The committed chunks' files are still written before the error is reported.
            try? files.finish()
            throw error
        }
        progress.finish()
        do {
            try files.finish()
        } catch let error as CTIError {
            // The ledger is the truth and already holds them; a rerun writes what is missing.
            let issued = results.compactMap { try? $0.get() }.filter(\.isNew).map(\.entry.serial)
            let serials = issued.count > 1 ? " (\(issued[0]) to \(issued[issued.count - 1]))" : issued.first.map { " (\($0))" } ?? ""
            throw error.rephrased(
                "\(error.message). The \(issued.count) license(s) of this run\(serials) are committed to the ledger \(ledger.path); fix the problem and run the same batch again: nothing is issued twice, and the files are written")
        }
        for (row, result) in zip(sheet.rows, results) {
            switch result {
            case let .success(outcome):
                let entry = outcome.entry
                reports.append(RowReport(
                    row: row.number, orderID: entry.orderID, outcome: outcome.isNew ? "issued" : "existing", serial: entry.serial,
                    file: LicenseFiles.path(of: entry, in: outDir), message: nil))
            case let .failure(error):
                reports.append(RowReport(row: row.number, orderID: row.request.orderID, outcome: "error", serial: nil, file: nil, message: error.message))
            }
        }
        try finish(reports, ledgerPath: ledger.path)
    }

    private func finish(_ unsorted: [RowReport], ledgerPath: String) throws {
        let reports = unsorted.sorted { $0.row < $1.row }
        let counts = Dictionary(grouping: reports, by: \.outcome).mapValues(\.count)
        switch output.format {
        case .json:
            struct Body: Encodable {
                let file: String
                let dryRun: Bool
                let ledger: String
                let counts: [String: Int]
                let rows: [RowReport]
            }
            Output.json(Body(file: file, dryRun: dryRun, ledger: ledgerPath, counts: counts, rows: reports), schema: "ctictl.license-batch/1")
        case .text:
            for report in reports where report.outcome == "error" || dryRun || reports.count <= 50 {
                let what: String
                switch report.outcome {
                case "issued": what = "issued \(report.serial ?? "") → \(report.file ?? "")"
                case "existing": what = "already issued as \(report.serial ?? "")\(report.file.map { " → \($0)" } ?? "")"
                case "would-issue": what = "would issue"
                default: what = "error: \(report.message ?? "")"
                }
                Output.print(TerminalText.line("row \(report.row)\(report.orderID.map { " (\($0))" } ?? ""): \(what)"))
            }
            let summary = ["issued", "would-issue", "existing", "error"].compactMap { key in counts[key].map { "\($0) \(key)" } }.joined(separator: ", ")
            Output.print("\(file): \(summary.isEmpty ? "no rows" : summary)\(dryRun ? " (dry run: nothing was issued)" : "")")
        }
        if counts["error", default: 0] > 0 { throw ExitCode(1) }
    }
}

/// A progress bar on stderr, rewritten in place, only when stderr is a terminal (a log file
/// or a pipe gets the summary alone).
final class ProgressLine: @unchecked Sendable {
    private let bar: ProgressBar
    private let start = DispatchTime.now().uptimeNanoseconds
    private let enabled = isatty(2) == 1

    init(total: Int, label: String) {
        bar = ProgressBar(label: label, total: total)
    }

    func update(_ done: Int) {
        guard enabled else { return }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        StandardStream.error.write("\r" + bar.line(done: done, elapsed: elapsed) + "\u{1B}[K")
    }

    func finish() {
        guard enabled else { return }
        StandardStream.error.write("\r\u{1B}[K")
    }
}
